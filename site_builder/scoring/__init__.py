"""宣传考核积分: the rule book as data (rules), events from entries and ledger (events),
exact arithmetic (engine), project-level calls (tables), exports and the trend chart."""

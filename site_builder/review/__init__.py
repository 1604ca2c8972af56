"""审核把关: what a careful reviewer would catch before release — personal information
(pii), sensitive terms and the 内外有别 rule (terms), broken references and duplicates
(integrity), and the review queue (queue)."""

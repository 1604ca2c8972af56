"""What a build reports while it runs: events handed to a `progress` callback.

The library never prints.  `build(..., progress=callback)` calls `callback(event)` in the
building process, stage by stage, in this order (a stage with nothing to do may be left
out):

| stage         | what                                        | items                  |
|---------------|---------------------------------------------|------------------------|
| `entries`     | reading content/ (loading the project)      | entry files            |
| `bodies`      | Markdown → HTML of the published entries    | entries                |
| `pages`       | rendering the site's pages                  | pages                  |
| `scores`      | the score exports (output/scores/)          | files                  |
| `newsletters` | one PDF per month                           | months (`item`: YYYY-MM) |
| `output`      | putting the new output in place (and the cache) | —                  |

Each stage sends `Started`, then `Advanced` as items finish (not for every stage), then
`Finished`.  `Finished.rebuilt` says how many items were made again; with the build cache
the others are last build's, unchanged.  Events say nothing the build's result would not:
the output of a build is the same with or without a callback.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

Stage = Literal["entries", "bodies", "pages", "scores", "newsletters", "output"]


@dataclass(frozen=True, slots=True)
class Started:
    stage: Stage
    total: int | None = None  # items the stage will make; None: not known in advance


@dataclass(frozen=True, slots=True)
class Advanced:
    stage: Stage
    done: int  # items finished so far in this stage
    item: str = ""  # the item just finished, when it has a name (a newsletter's month)
    rebuilt: bool = True  # False: last build's file was kept


@dataclass(frozen=True, slots=True)
class Finished:
    stage: Stage
    total: int  # items of the stage
    rebuilt: int  # of which made again this time


Event = Started | Advanced | Finished
Progress = Callable[[Event], None]

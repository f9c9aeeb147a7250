/*!
capfloor: where a frontier AI model's trained weights stand under compute-based export controls
(ECCN 4E091 of the January 2025 AI Diffusion rule) and other compute regimes.

The library does all the work; the `capfloor` binary only parses arguments, calls into it and
prints. Data flows one way (see `DESIGN.md` in the shared folder):

```text
registry ──► capability ──► frontier ──► floor ─┐
checkpoint ──► (parameters) ─┐                  ├─► verdict ──► report
declaration ─────────────────┴──► compute ──────┘
```

Each module owns one noun of that chain and never calls back up it.
*/

pub mod assessment;
pub mod backtest;
pub mod capability;
pub mod checkpoint;
pub mod cli;
pub mod compute;
pub mod declaration;
pub mod error;
pub mod floor;
pub mod frontier;
pub mod hardware;
pub mod regimes;
pub mod registry;
pub mod report;
pub mod table;
pub mod tomlfile;
pub mod units;
pub mod verdict;
pub mod whatif;

pub use error::Error;

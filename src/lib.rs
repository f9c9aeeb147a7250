/*!
capfloor: where a frontier AI model's trained weights stand under compute-based export controls
(ECCN 4E091 of the January 2025 AI Diffusion rule) and other compute regimes.

The library does all the work; the `capfloor` binary only parses arguments, calls into it and
prints. Data flows one way (see `DESIGN.md` in the shared folder):

```text
registry ──► capability ──► frontier ──► floor ──────────────┐
checkpoint ──► (parameters) ─┐                               ├─► assessment ──► report
declaration ─────────────────┴──► compute ──► verdict ◄──────┘      (classify, dossier)
regimes (thresholds, status, sources) ───────► verdict, hardware
hardware: chips ──► tpp ──► ledger (with tiers)
```

Each command is one library call, made from its file in [`cli`]:

| command | call | returns |
| --- | --- | --- |
| `inspect` | [`checkpoint::inspect`] | [`checkpoint::Inspection`] |
| `registry import` / `audit` | [`registry::import::import`] / [`registry::audit::audit`] | the CSVs / findings |
| `capability` | [`capability::fit`], [`capability::fit_vintage`] | [`capability::CapabilityFit`] |
| `floor` | [`floor::floor_at`] on [`vintage::Vintages`] | [`floor::Floor`] |
| `floor history` / `project` / `what-if` | [`floor::history`] / [`floor::project`] / [`floor::what_if`] | their series |
| `backtest` | [`backtest::run`] | [`backtest::Backtest`] |
| `declaration check` | [`assessment::validate`] | [`assessment::Validated`] |
| `classify` | [`assessment::assess`] | [`assessment::Assessment`] |
| `dossier` | [`report::dossier::build`], then [`report::dossier::write`] | [`report::dossier::Dossier`] |
| `explore` / `chart` | [`report::explore::build`] / [`report::chart::render`] | a page / an image |
| `regimes` | [`regimes::all`] | [`regimes::Regime`]s |
| `tpp` / `shipments check` | [`hardware::tpp::rate`] / [`hardware::ceilings::Checker`] | a rating / the ceilings |

Every as-of computation goes through [`vintage::Vintages`]: the registry as published by the date,
with the capability fit of that date, fitted once per vintage and shared.

- [`registry`], [`capability`]: the published models and one capability per model;
- [`frontier`], [`floor`], [`backtest`], [`whatif`], [`vintage`]: the compute-efficiency frontier and the
  moving floor, with its history, projection and checks; [`regression`]: the small
  least-squares fits (ordinary and Huber-robust) behind them;
- [`checkpoint`]: exact parameter counts from safetensors headers;
- [`declaration`], [`compute`], [`verdict`], [`assessment`], [`plan`]: a declared training run,
  its operations, where they fall, and when a run in progress crosses each threshold;
- [`regimes`], [`counting`]: every threshold capfloor applies, with its legal status, versions,
  source and what it counts;
- [`report`]: charts, fingerprints and the technical-opinion dossier;
- [`hardware`]: TPP, 3A090, destination tiers and shipment ledgers;
- [`cli`]: argument parsing and printing, one file per command;
- [`units`], [`table`], [`tomlfile`], [`error`]: quantities with units, and reading input files;
- [`fsio`]: every file read (regular files only, size-limited) and written (atomically, never
  over what capfloor did not make or what the run reads), at the bottom of the chain.

Each module owns one noun of that chain and never calls back up it.
*/

pub mod assessment;
pub mod backtest;
pub mod capability;
pub mod checkpoint;
pub mod cli;
pub mod compute;
pub mod counting;
pub mod declaration;
pub mod error;
pub mod floor;
pub mod frontier;
pub mod fsio;
pub mod hardware;
pub mod plan;
pub mod regimes;
pub mod registry;
pub mod regression;
pub mod report;
pub mod table;
pub mod tomlfile;
pub mod units;
pub mod verdict;
pub mod vintage;
pub mod whatif;

#[cfg(test)]
mod layers;

pub use error::Error;

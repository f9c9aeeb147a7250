/*!
The hardware side of the AI Diffusion rule: accelerators and their dense peak throughput
(`chips`), Total Processing Performance and the 3A090 class (`tpp`), destination tiers
(`tiers`), shipment ledgers with their per-row flags (`ledger`), and the TPP ceilings summed
over a ledger (`ceilings`).
*/

pub mod ceilings;
pub mod chips;
pub mod ledger;
pub mod tiers;
pub mod tpp;

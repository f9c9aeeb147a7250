/*!
The hardware side of the AI Diffusion rule: accelerators and their dense peak throughput
(`chips`), Total Processing Performance and the 3A090 class (`tpp`), destination tiers
(`tiers`), and shipment ledgers checked against the TPP limits (`ledger`).
*/

pub mod chips;
pub mod ledger;
pub mod tiers;
pub mod tpp;

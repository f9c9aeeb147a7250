/*!
The hardware side: accelerators and their peak throughput. `chips` owns the table the
declaration's hardware estimate reads (dense peak per precision, with a source for each figure).
*/

pub mod chips;
pub mod tpp;

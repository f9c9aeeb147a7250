//! Hashes the files named on the command line with capfloor's dossier fingerprinting and prints
//! each digest as `sha256sum` does, for benchmarks/hash/run.py.
//!
//! cargo run --release --example hash-files -- FILE...

fn main() {
    let files: Vec<std::path::PathBuf> = std::env::args_os().skip(1).map(Into::into).collect();
    match capfloor::report::fingerprint::hash_files(&files, false) {
        Ok(prints) => {
            for p in prints {
                println!("{}  {}", p.sha256, p.path.display());
            }
        }
        Err(e) => {
            eprintln!("hash-files: {e}");
            std::process::exit(2);
        }
    }
}

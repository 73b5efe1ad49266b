//! Measures corpus generation: `corpus_timing [messages] [bytes]` (standard, then sized).
fn main() {
    let t = std::time::Instant::now();
    let c = ikou_testbed::Corpus::standard(1);
    println!(
        "standard: {} msgs {} bytes in {:?}",
        c.total_messages(),
        c.total_bytes(),
        t.elapsed()
    );
    let t = std::time::Instant::now();
    let n: usize = std::env::args().nth(1).map_or(600, |s| s.parse().unwrap());
    let b: u64 = std::env::args()
        .nth(2)
        .map_or(40_000_000, |s| s.parse().unwrap());
    let c = ikou_testbed::Corpus::sized(9, n, b);
    println!(
        "sized: {} msgs {} bytes in {:?}",
        c.total_messages(),
        c.total_bytes(),
        t.elapsed()
    );
}

//! Measures start, stop and restart times of a small server.
use ikou_testbed::*;
fn main() -> anyhow::Result<()> {
    let t = std::time::Instant::now();
    let mut d = Dovecot::start(ServerOptions::new(
        Layout::Legacy,
        vec![User::new("taro", "taro-pass", Corpus::standard(1))],
    ))?;
    println!("start {:?}", t.elapsed());
    let mut imap = wire::Imap::connect(d.host(), d.imap_port())?;
    imap.login("taro", "taro-pass")?;
    let t = std::time::Instant::now();
    d.stop();
    println!("stop with a client logged in {:?}", t.elapsed());
    let t = std::time::Instant::now();
    d.restart()?;
    println!("restart {:?}", t.elapsed());
    let t = std::time::Instant::now();
    d.stop();
    println!("stop idle {:?}", t.elapsed());
    let t = std::time::Instant::now();
    drop(d);
    println!("drop {:?}", t.elapsed());
    Ok(())
}

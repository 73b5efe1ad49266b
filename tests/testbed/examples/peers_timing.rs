//! Starts Cyrus and Courier with the standard corpus and prints how long each takes.
use ikou_testbed::{Corpus, Peer, PeerKind, User};

fn main() -> anyhow::Result<()> {
    for kind in [PeerKind::Cyrus, PeerKind::Courier] {
        let begin = std::time::Instant::now();
        let peer = Peer::start(
            kind,
            vec![User::new("taro", "taro-pass", Corpus::standard(1))],
        )?;
        println!(
            "{}: greeting after {:?}, corpus ready after {:?}, ports {}-{}",
            kind.label(),
            peer.startup(),
            begin.elapsed(),
            peer.imap_port(),
            peer.pop3s_port()
        );
        let stop = std::time::Instant::now();
        drop(peer);
        println!("{}: stopped in {:?}", kind.label(), stop.elapsed());
    }
    Ok(())
}

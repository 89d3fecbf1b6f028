//! Media files: an image, sound or video file is one medium, handed out whole to be probed from
//! its headers (a multi-gigabyte video is best read from a mapped storage, where a probe touches
//! only the pages it reads).

use super::item::{Container, LineRef, Medium, Visitor};
use super::storage::Storage;
use super::text::io_problem;

/// Hands `visitor` the medium stored in `storage`, named `name` (its file name, a hint of its
/// format), or the problem that prevents reading it; returns whether it could be read.
pub fn read_medium<V: Visitor + ?Sized>(
    storage: &dyn Storage,
    name: &str,
    visitor: &mut V,
) -> bool {
    let mut scratch = Vec::new();
    match storage.range(0, storage.len(), &mut scratch) {
        Ok(bytes) => {
            let container = Container::File;
            let at = LineRef::None;
            visitor.medium(Medium {
                bytes,
                name,
                container,
                at,
            });
            true
        }
        Err(e) => {
            visitor.problem(LineRef::None, io_problem(&e));
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::item::collect::Collect;
    use crate::read::storage::InMemory;

    #[test]
    fn a_media_file_is_one_medium() {
        let mut seen = Collect::default();
        assert!(read_medium(
            &InMemory(b"GIF89a"[..].into()),
            "a.gif",
            &mut seen
        ));
        assert_eq!(seen.0, ["medium None 6"]);
    }
}

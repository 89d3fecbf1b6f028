//! The registrable domain of a host name under Mozilla's Public Suffix List, through the `psl`
//! crate, behind one function that is not generic.
//!
//! Why a crate of its own: `psl`'s lookup is a generated match tree over the labels of a name,
//! generic over the iterator of labels, so it is compiled into whichever crate calls it. In
//! `tokencensus` that was a quarter of the library's generated code, compiled twice by every
//! `cargo test` (the library and its unit tests). Here it is compiled once. Its cases are tested
//! where it is used (`provenance::url` in `tokencensus`).

#![deny(missing_docs)]

/// The length in bytes of the registrable domain at the end of `host` (lower-case labels
/// separated by dots, no trailing dot): `news.bbc.co.uk` gives 9 (`bbc.co.uk`). `None` when
/// `host` has no label before a public suffix, or when its suffix is not on the list (only the
/// list's implicit `*` rule matched it).
#[inline(never)]
pub fn registrable_domain_len(host: &[u8]) -> Option<usize> {
    let domain = psl::domain(host)?;
    domain.suffix().is_known().then(|| domain.as_bytes().len())
}

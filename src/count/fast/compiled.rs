//! The fast BPE routes' compiled form: everything a [`super::FastCounter`] is built from, read
//! out of a `tokenizer.json` once (ids, bytes, characters, the regex and the added tokens), and
//! its byte encoding for the on-disk cache (`count::compiled_cache`). Building the counter from
//! it looks up no string and parses no JSON, which is most of a cold start.
//!
//! The encoding is little-endian: fixed-size integers, and length-prefixed lists and strings.
//! [`CompiledRoute::from_bytes`] checks every length against what is left and every value that
//! indexes a table against that table, so a damaged encoding is refused, never half read (that
//! an intact one is the tokenizer's own rests on the cache entry's checksum and format version).

use super::bpe::{ByteLevelParts, Unsupported};
use super::piece_list::PieceList;
use super::spm::SentencePieceParts;
use super::whole_chars::WholeChars;
use serde_json::Value;

/// The compiled form of a fast BPE route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompiledRoute {
    /// The model and its pre-tokenization.
    pub model: CompiledModel,
    /// The contents of the added tokens, matched leftmost-longest on the raw text.
    pub added_tokens: Vec<String>,
}

/// The model of a compiled route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CompiledModel {
    /// Byte-level BPE behind a `Split` regex, NFC-normalized first if `nfc`.
    ByteLevel {
        /// The BPE model's parts.
        parts: ByteLevelParts,
        /// The `Split` regex.
        regex: String,
        /// Whether the normalizer is NFC.
        nfc: bool,
    },
    /// SentencePiece-style BPE with byte fallback.
    SentencePiece(SentencePieceParts),
}

impl CompiledRoute {
    /// Reads a parsed `tokenizer.json`, or says why no fast BPE route serves it exactly.
    pub fn from_json(json: &Value) -> Result<Self, Unsupported> {
        match super::spec::read_spec(json) {
            Ok(spec) => Ok(Self {
                model: CompiledModel::ByteLevel {
                    parts: spec.model,
                    regex: spec.regex,
                    nfc: spec.nfc,
                },
                added_tokens: spec.added_tokens,
            }),
            Err(byte_level) => match SentencePieceParts::from_json(json) {
                Ok(parts) => Ok(Self {
                    model: CompiledModel::SentencePiece(parts),
                    added_tokens: super::spec::added_tokens(&json["added_tokens"])?,
                }),
                Err(sentencepiece) => Err(Unsupported(format!(
                    "{}; {}",
                    byte_level.0, sentencepiece.0
                ))),
            },
        }
    }

    /// The byte encoding.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        match &self.model {
            CompiledModel::ByteLevel { parts, regex, nfc } => {
                out.push(0);
                put_ids(&mut out, &parts.byte_ids);
                put_triples(&mut out, &parts.merges);
                put_len(&mut out, parts.whole_pieces.len());
                for piece in parts.whole_pieces.iter() {
                    put_bytes(&mut out, piece);
                }
                out.push(u8::from(parts.ignore_merges));
                put_bytes(&mut out, regex.as_bytes());
                out.push(u8::from(*nfc));
                out.push(u8::from(parts.whole_chars.is_some()));
                if let Some(whole_chars) = &parts.whole_chars {
                    whole_chars.write(&mut out);
                }
            }
            CompiledModel::SentencePiece(parts) => {
                out.push(1);
                put_ids(&mut out, &parts.byte_ids);
                put_triples(&mut out, &parts.merges);
                put_len(&mut out, parts.chars.len());
                for &(c, id) in &parts.chars {
                    put_u32(&mut out, c as u32);
                    put_u32(&mut out, id);
                }
                put_len(&mut out, parts.glue.len());
                for &c in &parts.glue {
                    put_u32(&mut out, c as u32);
                }
            }
        }
        put_len(&mut out, self.added_tokens.len());
        for token in &self.added_tokens {
            put_bytes(&mut out, token.as_bytes());
        }
        out
    }

    /// Decodes [`CompiledRoute::to_bytes`]'s output; `None` if anything is missing, left over
    /// or out of range.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let mut r = Reader(bytes);
        let model = match r.u8()? {
            0 => {
                let byte_ids = r.ids()?;
                let merges = r.triples()?;
                let mut whole_pieces = PieceList::default();
                for _ in 0..r.len()? {
                    whole_pieces.push(r.bytes()?);
                }
                let ignore_merges = r.flag()?;
                let regex = r.string()?;
                let nfc = r.flag()?;
                let whole_chars = match r.flag()? {
                    true => Some(WholeChars::read(&mut r)?),
                    false => None,
                };
                super::pretokenize::Pattern::from_regex(&regex)?;
                CompiledModel::ByteLevel {
                    parts: ByteLevelParts {
                        byte_ids,
                        merges,
                        whole_pieces,
                        ignore_merges,
                        whole_chars,
                    },
                    regex,
                    nfc,
                }
            }
            1 => {
                let byte_ids = r.ids()?;
                let merges = r.triples()?;
                let chars = (0..r.len()?)
                    .map(|_| Some((char::from_u32(r.u32()?)?, r.u32()?)))
                    .collect::<Option<_>>()?;
                let glue = (0..r.len()?)
                    .map(|_| char::from_u32(r.u32()?))
                    .collect::<Option<_>>()?;
                CompiledModel::SentencePiece(SentencePieceParts {
                    byte_ids,
                    merges,
                    chars,
                    glue,
                })
            }
            _ => return None,
        };
        let added_tokens = (0..r.len()?)
            .map(|_| r.string().filter(|s| !s.is_empty()))
            .collect::<Option<_>>()?;
        r.0.is_empty().then_some(Self {
            model,
            added_tokens,
        })
    }
}

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// Appends a length (of a list or string) as 8 bytes.
pub(super) fn put_len(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(&(n as u64).to_le_bytes());
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    put_len(out, bytes.len());
    out.extend_from_slice(bytes);
}

fn put_ids(out: &mut Vec<u8>, ids: &[u32; 256]) {
    ids.iter().for_each(|&id| put_u32(out, id));
}

fn put_triples(out: &mut Vec<u8>, triples: &[[u32; 3]]) {
    put_len(out, triples.len());
    triples.iter().flatten().for_each(|&v| put_u32(out, v));
}

/// Reads an encoding front to back; every read checks what is left.
pub(super) struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head)
    }

    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    /// A little-endian `u16`.
    pub(super) fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes(self.take(2)?.try_into().ok()?))
    }

    /// A little-endian `u64`.
    pub(super) fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn flag(&mut self) -> Option<bool> {
        match self.u8()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }

    /// A little-endian `u32`.
    pub(super) fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    /// A length no longer than the bytes left (every element takes at least one byte).
    pub(super) fn len(&mut self) -> Option<usize> {
        let n = u64::from_le_bytes(self.take(8)?.try_into().ok()?);
        usize::try_from(n).ok().filter(|&n| n <= self.0.len())
    }

    fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.len()?;
        self.take(n)
    }

    fn string(&mut self) -> Option<String> {
        std::str::from_utf8(self.bytes()?).ok().map(str::to_string)
    }

    fn ids(&mut self) -> Option<[u32; 256]> {
        let mut ids = [0u32; 256];
        for id in &mut ids {
            *id = self.u32()?;
        }
        Some(ids)
    }

    /// Merges; no pair may be the merge table's empty-slot key (both ids `u32::MAX`).
    fn triples(&mut self) -> Option<Vec<[u32; 3]>> {
        (0..self.len()?)
            .map(|_| {
                let triple = [self.u32()?, self.u32()?, self.u32()?];
                (triple[0] != u32::MAX || triple[1] != u32::MAX).then_some(triple)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::count::{TokenizerSource, load_tokenizer_with_cache};
    use std::path::Path;

    fn compiled(name: &str) -> CompiledRoute {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(format!("fixtures/tokenizers/{name}.tokenizer.json.zst"));
        let loaded = load_tokenizer_with_cache(&TokenizerSource::File(path), false, None).unwrap();
        CompiledRoute::from_json(&serde_json::from_str(loaded.json()).unwrap()).unwrap()
    }

    #[test]
    fn both_models_come_back_whole_and_any_cut_is_refused() {
        for name in ["qwen3", "gemma3"] {
            let route = compiled(name);
            let bytes = route.to_bytes();
            assert_eq!(CompiledRoute::from_bytes(&bytes).as_ref(), Some(&route));
            let longer = [bytes.as_slice(), b"x"].concat();
            assert_eq!(
                CompiledRoute::from_bytes(&longer),
                None,
                "{name} and a byte more"
            );
            // A cut is refused only after the fields before it were read, so a cut of the real
            // route costs up to a whole decoding: 64 places across it here, and every place of
            // the same route with each list cut short (same fields, a few entries each) below.
            for cut in (0..bytes.len()).step_by(bytes.len() / 64 + 1) {
                assert_eq!(
                    CompiledRoute::from_bytes(&bytes[..cut]),
                    None,
                    "{name} cut {cut}"
                );
            }
            let small = shortened(&route);
            let bytes = small.to_bytes();
            assert_eq!(CompiledRoute::from_bytes(&bytes).as_ref(), Some(&small));
            for cut in 0..bytes.len() {
                assert_eq!(
                    CompiledRoute::from_bytes(&bytes[..cut]),
                    None,
                    "{name} shortened, cut {cut}"
                );
            }
        }
    }

    #[test]
    fn whole_characters_come_back_and_tables_that_point_outside_are_refused() {
        let mut route = compiled("llama3");
        let counter = super::super::FastCounter::from_compiled(&route, 0).unwrap();
        counter.complete(&mut route);
        let CompiledModel::ByteLevel { parts, .. } = &route.model else {
            panic!("llama3 is byte-level");
        };
        let whole = parts.whole_chars.as_ref().expect("completed");
        assert!(whole.len() > 1_000, "{whole:?}");
        let bytes = route.to_bytes();
        assert_eq!(CompiledRoute::from_bytes(&bytes).as_ref(), Some(&route));
        for cut in (0..bytes.len()).step_by(bytes.len() / 64 + 1) {
            assert_eq!(CompiledRoute::from_bytes(&bytes[..cut]), None, "cut {cut}");
        }

        let mut tables = Vec::new();
        whole.write(&mut tables);
        let read = |bytes: &[u8]| {
            let mut r = Reader(bytes);
            WholeChars::read(&mut r).filter(|_| r.0.is_empty())
        };
        assert_eq!(read(&tables).as_ref(), Some(whole));
        let u64_at = |at: usize| u64::from_le_bytes(tables[at..at + 8].try_into().unwrap());
        let pages = u64_at(0) as usize;
        let starts_at = 8 + 2 * pages;
        let starts = u64_at(starts_at) as usize;
        let sets_at = starts_at + 8 + 8 * starts;
        let sets = u64_at(sets_at) as usize;
        let changed = |at: usize, new: &[u8]| {
            let mut damaged = tables.clone();
            damaged[at..at + new.len()].copy_from_slice(new);
            read(&damaged)
        };
        // A page past the starts, a byte set past the sets, a first set that is not the full
        // one, a page table of another length.
        let past_starts = (starts / 64 + 1) as u16;
        assert_eq!(changed(8, &past_starts.to_le_bytes()), None);
        assert!(changed(8, &((starts / 64) as u16).to_le_bytes()).is_some());
        let first_before = starts_at + 8 + 4;
        assert_eq!(changed(first_before, &(sets as u16).to_le_bytes()), None);
        assert_eq!(
            changed(first_before + 2, &(sets as u16).to_le_bytes()),
            None
        );
        assert_eq!(changed(sets_at + 8, &[0]), None);
        // A token no vocabulary the builder takes could have.
        let first_token = starts_at + 8;
        assert_eq!(changed(first_token, &(1u32 << 21).to_le_bytes()), None);
        let mut fewer_pages = tables.clone();
        fewer_pages.drain(8..10);
        fewer_pages[..8].copy_from_slice(&(pages as u64 - 1).to_le_bytes());
        assert_eq!(read(&fewer_pages), None);
    }

    #[test]
    fn merged_ids_kept_as_steps_read_back_every_rank() {
        for name in ["llama3", "gpt4o", "qwen3"] {
            let CompiledModel::ByteLevel { parts, .. } = compiled(name).model else {
                panic!("{name} is byte-level");
            };
            let merges = super::super::merges::Merges::from_triples(&parts.merges).unwrap();
            assert!(merges.merged_as_steps(), "{name}");
            for (rank, &[_, _, merged]) in parts.merges.iter().enumerate() {
                assert_eq!(merges.merged(rank as u32), merged, "{name} rank {rank}");
            }
        }
    }

    /// `route` with every list cut to its first few entries (and two whole pieces).
    fn shortened(route: &CompiledRoute) -> CompiledRoute {
        let mut small = route.clone();
        match &mut small.model {
            CompiledModel::ByteLevel { parts, .. } => {
                parts.merges.truncate(40);
                // Whole pieces too (Qwen3 has none: it merges every piece).
                parts.whole_pieces = [b"ab".as_slice(), "ünï".as_bytes()].into_iter().collect();
                parts.ignore_merges = true;
            }
            CompiledModel::SentencePiece(parts) => {
                parts.merges.truncate(40);
                parts.chars.truncate(40);
                parts.glue.truncate(8);
            }
        }
        small.added_tokens.truncate(12);
        small
    }

    #[test]
    fn out_of_range_values_are_refused() {
        let route = compiled("gpt4o");
        let bytes = route.to_bytes();
        let mut kind = bytes.clone();
        kind[0] = 7;
        assert_eq!(CompiledRoute::from_bytes(&kind), None);
        let CompiledModel::ByteLevel { parts, .. } = &route.model else {
            panic!("gpt4o is byte-level");
        };
        // The first merge made the table's empty-slot key.
        let mut empty_key = bytes.clone();
        let first_merge = 1 + 256 * 4 + 8;
        empty_key[first_merge..first_merge + 8].fill(0xFF);
        assert_ne!(parts.merges[0][..2], [u32::MAX, u32::MAX]);
        assert_eq!(CompiledRoute::from_bytes(&empty_key), None);
    }
}

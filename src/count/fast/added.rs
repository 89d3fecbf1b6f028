//! Splitting out added tokens (`<|eot_id|>`, Gemma 3's `\n\n` runs, BERT's `[CLS]`) as
//! `tokenizers` does for tokens matched on the raw text: leftmost-longest matches, left to
//! right, each one token. The search looks only at bytes that can start an added token (found
//! with `memchr`, `memchr2` or `memchr3` per group of up to three such bytes) and asks an
//! anchored Aho-Corasick automaton for the longest token starting there, unless a table of
//! first byte pairs shows that only a one-byte token can (Gemma 3's `\n` before a letter).
//! The first such position is the leftmost match and the anchored answer its longest, so the
//! matches are exactly those of an unanchored leftmost-longest search, which walks its
//! automaton over every byte (Gemma 3's 6,415 added tokens start with five different bytes,
//! newline among them, which defeats its prefilters).

use super::bpe::Unsupported;
use aho_corasick::{AhoCorasick, Anchored, Input, MatchKind, StartKind};

/// Added tokens matched on the raw text, leftmost-longest.
pub struct AddedTokens {
    automaton: AhoCorasick,
    /// The bytes added tokens start with, in groups of at most three for `memchr` (or one
    /// group of them all when there are more than `MAX_GROUPS` groups).
    starts: Vec<Vec<u8>>,
    /// Whether a byte starts an added token.
    first: Box<[bool; 256]>,
    /// Whether a byte is an added token by itself.
    single: Box<[bool; 256]>,
    /// Bit `a << 8 | b` is set when an added token starts with bytes `a`, `b`.
    pairs: Box<[u64; 1024]>,
}

/// Start bytes beyond this many groups of three are found with a byte table instead.
const MAX_GROUPS: usize = 3;

impl AddedTokens {
    /// The matcher for `tokens` (non-empty strings), or `None` when there are none.
    pub fn new(tokens: &[String]) -> Result<Option<Self>, Unsupported> {
        if tokens.is_empty() {
            return Ok(None);
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(StartKind::Anchored)
            .build(tokens)
            .map_err(|e| Unsupported(format!("added tokens: {e}")))?;
        let (mut first, mut single, mut pairs) = ([false; 256], [false; 256], [0u64; 1024]);
        for token in tokens {
            match *token.as_bytes() {
                [] => return Err(Unsupported("an added token has no content".into())),
                [a] => single[a as usize] = true,
                [a, b, ..] => {
                    let bit = usize::from(a) << 8 | usize::from(b);
                    pairs[bit / 64] |= 1 << (bit % 64);
                }
            }
            first[token.as_bytes()[0] as usize] = true;
        }
        let bytes: Vec<u8> = (0..=255u8).filter(|&b| first[b as usize]).collect();
        let starts = if bytes.len() <= 3 * MAX_GROUPS {
            bytes.chunks(3).map(<[u8]>::to_vec).collect()
        } else {
            vec![bytes]
        };
        Ok(Some(Self {
            automaton,
            starts,
            first: Box::new(first),
            single: Box::new(single),
            pairs: Box::new(pairs),
        }))
    }

    /// The end of the longest added token that starts at byte `i` of `text`, if one does.
    /// When no token starts with the two bytes at `i`, only a one-byte token can, and the
    /// automaton is not asked.
    #[inline]
    fn match_at(&self, text: &str, i: usize) -> Option<usize> {
        let bytes = text.as_bytes();
        let a = usize::from(bytes[i]);
        let longer = bytes.get(i + 1).is_some_and(|&b| {
            let bit = a << 8 | usize::from(b);
            self.pairs[bit / 64] & (1 << (bit % 64)) != 0
        });
        if !longer {
            return self.single[a].then_some(i + 1);
        }
        let input = Input::new(text).range(i..).anchored(Anchored::Yes);
        self.automaton.find(input).map(|m| m.end())
    }

    /// The first position at or after `from` where a byte of `group` occurs, or `usize::MAX`.
    #[inline]
    fn next_in(&self, group: &[u8], bytes: &[u8], from: usize) -> usize {
        let rest = &bytes[from..];
        let found = match *group {
            [a] => memchr::memchr(a, rest),
            [a, b] => memchr::memchr2(a, b, rest),
            [a, b, c] => memchr::memchr3(a, b, c, rest),
            _ => rest.iter().position(|&b| self.first[b as usize]),
        };
        found.map_or(usize::MAX, |i| from + i)
    }

    /// Calls `stretch` with every non-empty stretch of `text` between added tokens, in order,
    /// and returns how many added tokens were found.
    #[inline]
    pub fn for_each_stretch(&self, text: &str, mut stretch: impl FnMut(&str)) -> u64 {
        let mut found = 0;
        self.for_each_segment(text, |start, end, token| {
            if token {
                found += 1;
            } else {
                stretch(&text[start..end]);
            }
        });
        found
    }

    /// Calls `segment` with the byte range of every non-empty stretch of `text` between added
    /// tokens (`false`) and of every added token (`true`), in order: together they cover it.
    #[inline]
    pub fn for_each_segment(&self, text: &str, mut segment: impl FnMut(usize, usize, bool)) {
        let bytes = text.as_bytes();
        let mut start = 0;
        // The next occurrence of each group (recomputed once the search has passed it).
        let mut next = [usize::MAX; MAX_GROUPS];
        for (g, group) in self.starts.iter().enumerate() {
            next[g] = self.next_in(group, bytes, 0);
        }
        loop {
            let i = *next[..self.starts.len()].iter().min().expect("a group");
            if i == usize::MAX {
                break;
            }
            let at = match self.match_at(text, i) {
                Some(end) => {
                    if start < i {
                        segment(start, i, false);
                    }
                    segment(i, end, true);
                    start = end;
                    end
                }
                None => i + 1,
            };
            for (g, group) in self.starts.iter().enumerate() {
                if next[g] < at {
                    next[g] = self.next_in(group, bytes, at);
                }
            }
        }
        if start < text.len() {
            segment(start, text.len(), false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The stretches and the number of matches of an unanchored leftmost-longest search.
    fn unanchored(tokens: &[&str], text: &str) -> (Vec<String>, u64) {
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(tokens)
            .unwrap();
        let (mut out, mut start, mut found) = (Vec::new(), 0, 0);
        for m in automaton.find_iter(text) {
            if start < m.start() {
                out.push(text[start..m.start()].to_string());
            }
            found += 1;
            start = m.end();
        }
        if start < text.len() {
            out.push(text[start..].to_string());
        }
        (out, found)
    }

    fn anchored(tokens: &[&str], text: &str) -> (Vec<String>, u64) {
        let owned: Vec<String> = tokens.iter().map(|t| t.to_string()).collect();
        let added = AddedTokens::new(&owned).unwrap().unwrap();
        let mut out = Vec::new();
        let found = added.for_each_stretch(text, |s| out.push(s.to_string()));
        (out, found)
    }

    #[test]
    fn equals_an_unanchored_leftmost_longest_search() {
        let sets: [&[&str]; 5] = [
            &["<|eot_id|>"],
            &["<a>", "[b]"],
            &["\n", "\n\n", "\n\n\n", "<", "<x>"],
            &[
                "\n",
                "\n\n",
                "\t",
                "<b>",
                "</b>",
                "[m]",
                "\u{2581}\u{2581}",
                "ab",
                "abc",
            ],
            // more start bytes than three groups of three: one table scan
            &[
                "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "<x>", "\u{e9}",
            ],
        ];
        let texts = [
            "",
            "plain text",
            "a<|eot_id|>b<|eot_id|><|eot_id|",
            "<a>[b]<a[b]x",
            "\n\n\n\n\n<x><<x\n",
            "ab abc abcd\t\t<b>x</b>[m]\u{2581}\u{2581}\u{2581} \u{2581}",
            "<<<|eot_id|>>>",
            "é\n中<b>\u{2581}",
        ];
        for tokens in sets {
            for text in texts {
                assert_eq!(
                    anchored(tokens, text),
                    unanchored(tokens, text),
                    "{tokens:?} on {text:?}"
                );
            }
        }
    }

    proptest::proptest! {
        /// Texts made of pieces of the tokens, whole and broken, split as the unanchored search
        /// splits them, for each set of tokens.
        #[test]
        fn equals_an_unanchored_search_on_generated_text(
            parts in proptest::collection::vec(proptest::sample::select(&[
                "\n", "\t", "<", ">", "b", "/", "[", "]", "m", "a", "c", "\u{2581}", "\u{e9}", " ", "x",
            ][..]), 0..40),
            set in 0usize..3,
        ) {
            let sets: [&[&str]; 3] = [
                &["\n", "\n\n", "\t", "<b>", "</b>", "[m]", "\u{2581}\u{2581}", "ab", "abc"],
                &["<b>", "b"],
                &["a", "b", "c", "m", "x", "/", "[", "]", "<", ">", "\u{e9}", "\u{2581}"],
            ];
            let text = parts.concat();
            proptest::prop_assert_eq!(anchored(sets[set], &text), unanchored(sets[set], &text));
        }
    }

    #[test]
    fn no_tokens_no_matcher() {
        assert!(AddedTokens::new(&[]).unwrap().is_none());
    }
}

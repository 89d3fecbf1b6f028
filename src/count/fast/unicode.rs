//! Character classes of the pre-tokenizer regexes (`\p{L}`, `\p{N}`, `\s`, `\p{Lu}`, …), with the
//! Unicode data of Oniguruma, the regex engine `tokenizers` uses: the ranges in
//! `unicode_table.rs` were generated from Oniguruma itself and a test re-checks every code point.

/// The class of a character, as far as the supported pre-tokenizer regexes can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Class {
    /// Uppercase letter (`\p{Lu}`).
    Lu = 0,
    /// Lowercase letter (`\p{Ll}`).
    Ll = 1,
    /// Titlecase letter (`\p{Lt}`).
    Lt = 2,
    /// Modifier letter (`\p{Lm}`).
    Lm = 3,
    /// Other letter (`\p{Lo}`).
    Lo = 4,
    /// Mark (`\p{M}`).
    Mark = 5,
    /// Number (`\p{N}`).
    Number = 6,
    /// White space (`\s`).
    Space = 7,
    /// Anything else (punctuation, symbols, controls, unassigned).
    Other = 8,
}

const CLASSES: [Class; 9] = [
    Class::Lu,
    Class::Ll,
    Class::Lt,
    Class::Lm,
    Class::Lo,
    Class::Mark,
    Class::Number,
    Class::Space,
    Class::Other,
];

impl Class {
    /// `\p{L}`.
    #[inline]
    pub fn is_letter(self) -> bool {
        (self as u8) <= Class::Lo as u8
    }

    /// `[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]` (o200k's "upper" class).
    #[inline]
    pub fn is_upperish(self) -> bool {
        matches!(
            self,
            Class::Lu | Class::Lt | Class::Lm | Class::Lo | Class::Mark
        )
    }

    /// `[\p{Ll}\p{Lm}\p{Lo}\p{M}]` (o200k's "lower" class).
    #[inline]
    pub fn is_lowerish(self) -> bool {
        matches!(self, Class::Ll | Class::Lm | Class::Lo | Class::Mark)
    }

    /// `[^\s\p{L}\p{N}]`: punctuation, symbols, marks, controls.
    #[inline]
    pub fn is_other_than_space_letter_number(self) -> bool {
        matches!(self, Class::Mark | Class::Other)
    }
}

/// A two-level lookup table over all code points: 4,352 blocks of 256 code points, plus a
/// direct table for ASCII.
pub struct ClassTable {
    ascii: [Class; 128],
    blocks: Vec<u16>,
    classes: Vec<Class>,
}

const BLOCK: usize = 256;

impl ClassTable {
    /// Builds the table from the generated ranges, once, when the first character beyond
    /// ASCII comes (every worker meeting one waits for it): a block inside one range is that
    /// class's single shared block, and only blocks where ranges change (140 of the 4,352) are
    /// filled code point by code point and compared.
    pub fn build() -> ClassTable {
        let ranges = super::unicode_table::RANGES;
        debug_assert_eq!(ranges[0].0, 0, "the ranges cover every code point");
        let mut blocks = Vec::with_capacity(0x110000 / BLOCK);
        let mut classes: Vec<Class> = Vec::new();
        let mut uniform: [Option<u16>; CLASSES.len()] = [None; CLASSES.len()];
        let mut mixed: ahash::AHashMap<[Class; BLOCK], u16> = ahash::AHashMap::new();
        let end_of = |i: usize| ranges.get(i + 1).map_or(0x110000, |r| r.0 as usize);
        // The range holding the block's first code point.
        let mut r = 0;
        for lo in (0..0x110000).step_by(BLOCK) {
            let hi = lo + BLOCK;
            while end_of(r) <= lo {
                r += 1;
            }
            let mut block = [CLASSES[ranges[r].1 as usize]; BLOCK];
            let index = if end_of(r) >= hi {
                let class = ranges[r].1 as usize;
                *uniform[class].get_or_insert_with(|| new_block(&mut classes, &block))
            } else {
                let mut i = r;
                while ranges.get(i).is_some_and(|range| (range.0 as usize) < hi) {
                    let start = (ranges[i].0 as usize).max(lo) - lo;
                    let end = end_of(i).min(hi) - lo;
                    block[start..end].fill(CLASSES[ranges[i].1 as usize]);
                    i += 1;
                }
                *mixed
                    .entry(block)
                    .or_insert_with(|| new_block(&mut classes, &block))
            };
            blocks.push(index);
        }
        let mut ascii = [Class::Other; 128];
        for (b, class) in ascii.iter_mut().enumerate() {
            *class = classes[blocks[0] as usize * BLOCK + b];
        }
        ClassTable {
            ascii,
            blocks,
            classes,
        }
    }

    /// The class of `c`.
    #[cfg(test)]
    pub fn class(&self, c: char) -> Class {
        self.class_of(c as u32)
    }

    /// The class of an ASCII byte.
    #[inline]
    pub fn ascii(&self, b: u8) -> Class {
        self.ascii[(b & 0x7F) as usize]
    }

    /// The class of a code point (below 0x110000).
    #[inline]
    pub fn class_of(&self, cp: u32) -> Class {
        let cp = cp as usize;
        self.classes[self.blocks[cp / BLOCK] as usize * BLOCK + cp % BLOCK]
    }
}

/// Appends `block` to `classes`; its index.
fn new_block(classes: &mut Vec<Class>, block: &[Class; BLOCK]) -> u16 {
    classes.extend_from_slice(block);
    (classes.len() / BLOCK - 1) as u16
}

/// The shared table.
pub fn table() -> &'static ClassTable {
    static TABLE: std::sync::OnceLock<ClassTable> = std::sync::OnceLock::new();
    TABLE.get_or_init(ClassTable::build)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table gives every code point the class of the range that holds it.
    #[test]
    fn every_code_point_has_its_range_class() {
        let table = ClassTable::build();
        let ranges = super::super::unicode_table::RANGES;
        for (i, &(start, class)) in ranges.iter().enumerate() {
            let end = ranges.get(i + 1).map_or(0x110000, |r| r.0);
            for cp in start..end {
                assert_eq!(table.class_of(cp), CLASSES[class as usize], "{cp:#x}");
            }
        }
        for b in 0..128u8 {
            assert_eq!(table.ascii(b), table.class_of(u32::from(b)));
        }
    }

    /// Every code point's class agrees with Oniguruma's `\p{..}` and `\s`.
    #[test]
    fn table_agrees_with_oniguruma_on_every_code_point() {
        let classify = onig::Regex::new(
            r"\A(?:(\p{Lu})|(\p{Ll})|(\p{Lt})|(\p{Lm})|(\p{Lo})|(\p{M})|(\p{N})|(\s))\z",
        )
        .unwrap();
        let letter = onig::Regex::new(r"\A\p{L}\z").unwrap();
        let table = table();
        let mut buf = [0u8; 4];
        for c in (0..0x110000u32).filter_map(char::from_u32) {
            let s = c.encode_utf8(&mut buf);
            let want = match classify.captures(s) {
                Some(caps) => CLASSES[(1..=8).find(|&g| caps.at(g).is_some()).unwrap() - 1],
                None => Class::Other,
            };
            assert_eq!(table.class(c), want, "U+{:04X}", c as u32);
            assert_eq!(
                table.class(c).is_letter(),
                letter.is_match(s),
                "U+{:04X} letter",
                c as u32
            );
        }
    }

    /// Regenerates `unicode_table.rs` from Oniguruma: `cargo test -- --ignored generate`.
    #[test]
    #[ignore]
    fn generate_unicode_table() {
        let classify = onig::Regex::new(
            r"\A(?:(\p{Lu})|(\p{Ll})|(\p{Lt})|(\p{Lm})|(\p{Lo})|(\p{M})|(\p{N})|(\s))\z",
        )
        .unwrap();
        let mut ranges: Vec<(u32, usize)> = Vec::new();
        let mut buf = [0u8; 4];
        for cp in 0..0x110000u32 {
            let class = match char::from_u32(cp) {
                Some(c) => match classify.captures(c.encode_utf8(&mut buf)) {
                    Some(caps) => (1..=8).find(|&g| caps.at(g).is_some()).unwrap() - 1,
                    None => 8,
                },
                None => 8, // surrogates never occur in text
            };
            if ranges.last().is_none_or(|r| r.1 != class) {
                ranges.push((cp, class));
            }
        }
        let mut out = String::from(
            "//! Generated by `cargo test -- --ignored generate_unicode_table` from Oniguruma's Unicode data.\n\
             //! Each entry starts a range of code points of one class (index into `Class`).\n\n\
             /// (first code point, class index) of each run of code points with one class.\n\
             pub const RANGES: &[(u32, u8)] = &[\n",
        );
        for (cp, class) in ranges {
            out.push_str(&format!("    (0x{cp:X}, {class}),\n"));
        }
        out.push_str("];\n");
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("src/count/fast/unicode_table.rs");
        std::fs::write(path, out).unwrap();
    }
}

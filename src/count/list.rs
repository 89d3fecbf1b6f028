//! The tokenizers of one count: the primary one, whose tokens fill every figure of a report,
//! then any others, each counting the same documents. Each gets a name that is distinct within
//! the run: its own name, or, when another tokenizer of the run has the same name, that name
//! followed by `-` and the first 8 hexadecimal digits of its SHA-256 (the primary keeps its
//! name), so that a name depends on the tokenizers alone and not on the order they were given
//! in. The same tokenizer (the same SHA-256) given twice is refused.

use super::{Counter, Tokenizer};
use crate::error::FatalError;

/// The tokenizers of one count, primary first, with the names reports give them.
#[derive(Debug)]
pub struct TokenizerList<'a> {
    members: Vec<&'a Tokenizer>,
    names: Vec<String>,
}

impl<'a> TokenizerList<'a> {
    /// A count with one tokenizer.
    pub fn single(tokenizer: &'a Tokenizer) -> Self {
        Self {
            members: vec![tokenizer],
            names: vec![tokenizer.name().to_string()],
        }
    }

    /// A count with `members` (the primary first); refuses an empty list and a tokenizer
    /// given twice (the same SHA-256).
    pub fn new(members: Vec<&'a Tokenizer>) -> Result<Self, FatalError> {
        if members.is_empty() {
            return Err(FatalError::Usage("no tokenizer to count with".into()));
        }
        for (i, later) in members.iter().enumerate() {
            if let Some(earlier) = members[..i].iter().find(|t| t.sha256() == later.sha256()) {
                return Err(FatalError::Usage(format!(
                    "the same tokenizer is given twice: {} and {} have the same SHA-256 ({}); give each tokenizer once",
                    earlier.info().origin,
                    later.info().origin,
                    later.sha256()
                )));
            }
        }
        let names = distinct_names(&members);
        Ok(Self { members, names })
    }

    /// The primary tokenizer.
    pub fn primary(&self) -> &'a Tokenizer {
        self.members[0]
    }

    /// Every tokenizer, primary first.
    pub fn members(&self) -> &[&'a Tokenizer] {
        &self.members
    }

    /// The name of each tokenizer in reports, primary first, distinct.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The counters of the tokenizers after the primary one, with their names.
    pub fn more_counters(&self) -> Vec<(&str, &'a dyn Counter)> {
        let more = self.members.iter().zip(&self.names).skip(1);
        more.map(|(&tokenizer, name)| {
            let tokenizer: &'a Tokenizer = tokenizer;
            (name.as_str(), tokenizer.counter())
        })
        .collect()
    }

    /// The problems met while loading any of the tokenizers that did not stop counting (a
    /// compiled-route cache that could not be written), once each, in order.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings: Vec<String> = Vec::new();
        for warning in self.members.iter().filter_map(|t| t.warning()) {
            if !warnings.iter().any(|w| w == warning) {
                warnings.push(warning.to_string());
            }
        }
        warnings
    }

    /// What identifies the list for a checkpoint: each tokenizer's SHA-256, in order.
    pub fn fingerprint(&self) -> String {
        let shas: Vec<&str> = self.members.iter().map(|t| t.sha256()).collect();
        shas.join(",")
    }
}

/// Each tokenizer's name, made distinct where two share one (see the module docs).
fn distinct_names(members: &[&Tokenizer]) -> Vec<String> {
    let shared = |name: &str| members.iter().filter(|t| t.name() == name).count() > 1;
    let mut names: Vec<String> = members
        .iter()
        .enumerate()
        .map(|(i, t)| match i > 0 && shared(t.name()) {
            true => format!("{}-{}", t.name(), &t.sha256()[..8.min(t.sha256().len())]),
            false => t.name().to_string(),
        })
        .collect();
    // A suffixed name that another tokenizer happens to bear takes the whole SHA-256.
    for i in 1..names.len() {
        if names[..i].contains(&names[i]) || names[i + 1..].contains(&names[i]) {
            names[i] = format!("{}-{}", members[i].name(), members[i].sha256());
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Tokenizer {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        Tokenizer::from_file(root.join(format!("fixtures/tokenizers/{name}.tokenizer.json.zst")))
            .unwrap()
    }

    #[test]
    fn names_are_distinct_and_the_same_tokenizer_twice_is_refused() {
        let llama = crate::count::test_support::llama3();
        let minilm = fixture("minilm");
        let list = TokenizerList::new(vec![llama, &minilm]).unwrap();
        assert_eq!(list.names(), ["llama3", "minilm"]);
        assert_eq!(list.more_counters().len(), 1);
        let file_llama = fixture("llama3");
        let twice = TokenizerList::new(vec![llama, &minilm, &file_llama]).unwrap_err();
        let message = twice.to_string();
        assert!(message.contains("given twice"), "{message}");
        assert!(message.contains(llama.sha256()), "{message}");
    }

    #[test]
    fn a_shared_name_takes_the_sha256_prefix_except_for_the_primary() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        // Two different files of the same small tokenizer (the second with one more trailing
        // newline): two SHA-256s, one file name.
        let from = root.join("fixtures/tokenizers/minilm.tokenizer.json.zst");
        let json = zstd::decode_all(std::fs::File::open(from).unwrap()).unwrap();
        let mut paths = Vec::new();
        for (folder, tail) in [("one/model", &b""[..]), ("two/model", &b"\n"[..])] {
            std::fs::create_dir_all(dir.path().join(folder)).unwrap();
            let to = dir.path().join(folder).join("tokenizer.json");
            std::fs::write(&to, [json.as_slice(), tail].concat()).unwrap();
            paths.push(to);
        }
        let a = Tokenizer::from_file(&paths[0]).unwrap();
        let b = Tokenizer::from_file(&paths[1]).unwrap();
        let llama = crate::count::test_support::llama3();
        let list = TokenizerList::new(vec![llama, &a, &b]).unwrap();
        assert_eq!(list.names()[1], format!("model-{}", &a.sha256()[..8]));
        assert_eq!(list.names()[2], format!("model-{}", &b.sha256()[..8]));
        let list = TokenizerList::new(vec![&a, &b]).unwrap();
        let second = format!("model-{}", &b.sha256()[..8]);
        assert_eq!(list.names(), ["model".to_string(), second]);
    }
}

//! The type stubs (`python/tokencensus/_native.pyi`) declare exactly what the native module
//! defines: every class, method, property and function the Rust sources export to Python (save
//! private `_` names and dunders other than `__init__`) with the same parameters in the same
//! order, and nothing the module lacks. Read from the sources, so this test needs no Python and
//! never loads the module (an extension module links against the interpreter that loads it).
//!
//! It is also why `cargo test` builds the module: the workspace's default members include this
//! package, and its test makes Cargo build its library (`tests/suite/python.rs` installs that
//! build for pytest).

use std::collections::BTreeMap;
use std::path::Path;

/// A callable Python sees: `class.name` or `name`, with its parameter names in order (`*` where
/// keyword-only ones start).
type Api = BTreeMap<String, Vec<String>>;

/// Splits `list` at the commas outside brackets, trimmed, without empty parts.
fn split_top(list: &str) -> Vec<String> {
    let (mut parts, mut depth, mut current) = (Vec::new(), 0i32, String::new());
    for c in list.chars() {
        match c {
            '(' | '[' | '<' => depth += 1,
            ')' | ']' | '>' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    parts.push(current);
    parts
        .into_iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// The text between the parenthesis opening at `text[open]` and its match.
fn parenthesized(text: &str, open: usize) -> &str {
    let mut depth = 0;
    for (i, c) in text[open..].char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return &text[open + 1..open + i];
                }
            }
            _ => {}
        }
    }
    panic!("unbalanced parentheses after {:?}", &text[open..]);
}

/// A parameter's name: what comes before its type or default.
fn param_name(param: &str) -> String {
    let end = param.find([':', '=']).unwrap_or(param.len());
    param[..end].trim().to_string()
}

/// The Python parameters of the Rust function whose `fn` keyword is at `text[at]`: its
/// `#[pyo3(signature = ...)]` if `attributes` hold one, else its arguments without the receiver
/// and the interpreter token.
fn rust_params(text: &str, at: usize, attributes: &str) -> Vec<String> {
    let list = match attributes.find("signature = (") {
        Some(i) => parenthesized(attributes, i + "signature = ".len()),
        None => parenthesized(text, at + text[at..].find('(').expect("fn arguments")),
    };
    split_top(list)
        .iter()
        .map(|p| param_name(p))
        .filter(|p| !matches!(p.as_str(), "&self" | "&mut self" | "self" | "slf" | "py"))
        .collect()
}

/// The attribute `#[pyo3(name = "...")]` renames to, if any.
fn renamed(attributes: &str) -> Option<String> {
    let i = attributes.find("name = \"")? + "name = \"".len();
    let end = attributes[i..].find('"')?;
    Some(attributes[i..i + end].to_string())
}

/// Whether Python code outside the package is meant to call `name`.
fn public(name: &str) -> bool {
    !name.starts_with('_') || name == "__init__"
}

/// What the Rust sources export: `#[pyclass(name = ...)]` structs with their `#[pymethods]`, and
/// `#[pyfunction]`s.
fn native_api(src: &Path) -> Api {
    let mut api = Api::new();
    let mut classes = BTreeMap::new();
    let mut files: Vec<_> = std::fs::read_dir(src)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let texts: Vec<String> = files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    for text in &texts {
        for (i, _) in text.match_indices("#[pyclass(") {
            let attributes = &text[i..i + text[i..].find('\n').unwrap()];
            let name = renamed(attributes).expect("every class is named for Python");
            let rest = &text[i..];
            let struct_at = rest.find("pub struct ").unwrap() + "pub struct ".len();
            let rust = rest[struct_at..].split([' ', '{']).next().unwrap();
            classes.insert(rust.to_string(), name);
        }
    }
    for text in &texts {
        for block in text.split("#[pymethods]\nimpl ").skip(1) {
            let rust = block.split([' ', '{']).next().unwrap();
            let class = &classes[rust];
            let body = &block[..block.find("\n}\n").unwrap_or(block.len())];
            collect_functions(body, "    ", Some(class), &mut api);
        }
        let functions: String = text
            .split("#[pyfunction]")
            .skip(1)
            .map(|f| {
                format!(
                    "#[pyfunction]{}\n",
                    &f[..f.find("\n}\n").unwrap_or(f.len())]
                )
            })
            .collect();
        collect_functions(&functions, "", None, &mut api);
    }
    api
}

/// Adds the functions of `body` indented by `indent` (methods of `class`, or `#[pyfunction]`s)
/// with the attribute lines just above each.
fn collect_functions(body: &str, indent: &str, class: Option<&str>, api: &mut Api) {
    let mut attributes = String::new();
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if line.starts_with(&format!("{indent}#[")) {
            attributes.push_str(trimmed);
        } else if let Some(rest) = line
            .strip_prefix(&format!("{indent}fn "))
            .or_else(|| line.strip_prefix(&format!("{indent}pub fn ")))
        {
            let rust = rest.split(['(', '<']).next().unwrap();
            let mut name = renamed(&attributes).unwrap_or_else(|| rust.to_string());
            if attributes.contains("#[new]") {
                name = "__init__".to_string();
            }
            if public(&name) && (class.is_some() || attributes.contains("#[pyfunction]")) {
                let at = offset + line.find("fn ").unwrap();
                let key = class.map_or(name.clone(), |c| format!("{c}.{name}"));
                api.insert(key, rust_params(body, at, &attributes));
            }
            attributes.clear();
        } else if !trimmed.starts_with("///")
            && !trimmed.is_empty()
            && line.starts_with(indent)
            && !line[indent.len()..].starts_with(' ')
        {
            // Any other item at this indentation: the attributes gathered were not a function's.
            attributes.clear();
        }
        offset += line.len();
    }
}

/// What the stubs declare: `def`s at the top level and in `class` blocks.
fn stub_api(stubs: &str) -> Api {
    let mut api = Api::new();
    let mut class = None;
    for (i, line) in stubs
        .match_indices('\n')
        .map(|(i, _)| i + 1)
        .map(|i| (i, &stubs[i..]))
    {
        let line = &line[..line.find('\n').unwrap_or(line.len())];
        if let Some(name) = line.strip_prefix("class ") {
            class = Some(name.trim_end_matches(':').to_string());
        } else if !line.starts_with(' ') && !line.is_empty() {
            class = None;
        }
        let Some(rest) = line.trim_start().strip_prefix("def ") else {
            continue;
        };
        let name = rest.split('(').next().unwrap().to_string();
        if !public(&name) {
            continue;
        }
        let open = i + line.find('(').unwrap();
        let params: Vec<String> = split_top(parenthesized(stubs, open))
            .iter()
            .map(|p| param_name(p))
            .filter(|p| p != "self")
            .collect();
        let key = class
            .as_ref()
            .map_or(name.clone(), |c| format!("{c}.{name}"));
        api.insert(key, params);
    }
    api
}

#[test]
fn stubs_declare_what_the_native_module_defines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let native = native_api(&root.join("src"));
    let stubs =
        stub_api(&std::fs::read_to_string(root.join("python/tokencensus/_native.pyi")).unwrap());
    // The sources really were read: both classes and the module's functions.
    for name in [
        "Tokenizer.__init__",
        "Tokenizer.count_batch",
        "Tally.add",
        "count",
        "merge",
    ] {
        assert!(native.contains_key(name), "{name} not found in the sources");
    }
    assert_eq!(
        native["Tokenizer.count_batch"],
        ["texts", "threads"],
        "parameters from the signature"
    );
    assert_eq!(
        native["Tally.merge"],
        ["other"],
        "parameters from the arguments"
    );
    for (name, params) in &native {
        let declared = stubs.get(name);
        assert!(declared.is_some(), "the stubs do not declare {name}");
        assert_eq!(declared.unwrap(), params, "parameters of {name}");
    }
    for name in stubs.keys() {
        assert!(
            native.contains_key(name),
            "the stubs declare {name}, the module does not"
        );
    }
}

#[test]
fn parameters_split_outside_brackets() {
    assert_eq!(
        split_top("a: Union[X, Y] = None, *, b: Dict[str, int] = {}"),
        ["a: Union[X, Y] = None", "*", "b: Dict[str, int] = {}"]
    );
    assert_eq!(param_name("tokenizer=None"), "tokenizer");
    assert_eq!(param_name("other: &Bound<'_, PyTally>"), "other");
}

//! The native part of the `tokencensus` Python package (`tokencensus._native`): the tokenizer,
//! the census functions and the memory-fed `Tally`, all over the library's front door. The
//! pure-Python parts (exceptions, the datatrove step) live in `python/tokencensus/`.

mod census;
mod errors;
mod tally;
mod tokenizer;

use pyo3::prelude::*;

/// tokencensus: exact token counts and censuses of training corpora.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<tokenizer::PyTokenizer>()?;
    m.add_class::<tally::PyTally>()?;
    m.add_function(wrap_pyfunction!(census::count, m)?)?;
    m.add_function(wrap_pyfunction!(census::render, m)?)?;
    m.add_function(wrap_pyfunction!(census::merge, m)?)?;
    m.add_function(wrap_pyfunction!(tally::tally_from_state, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}

//! The library's fatal errors as the Python exceptions of `tokencensus.errors`, with the same
//! messages as the command line.

use pyo3::prelude::*;
use tokencensus::FatalError;

/// The Python exception for `error`: a subclass of `tokencensus.FatalError` chosen by its
/// kind, carrying the command line's message and the kind's name in `.kind`.
pub fn fatal(error: FatalError) -> PyErr {
    let (class, kind) = match &error {
        FatalError::Usage(_) => ("UsageError", "usage"),
        FatalError::PathNotFound { .. } => ("PathNotFoundError", "path_not_found"),
        FatalError::Tokenizer { .. } => ("TokenizerError", "tokenizer"),
        FatalError::ChatTemplate { .. } => ("TokenizerError", "chat_template"),
        FatalError::Manifest { .. } => ("ManifestError", "manifest"),
        FatalError::Refused { .. } => ("RefusedError", "refused"),
        FatalError::Merge(_) => ("MergeError", "merge"),
        // Not raised from Python today (combine and diff are command-line jobs); reports that
        // cannot be joined or compared are merge errors in kind.
        FatalError::Combine(_) => ("MergeError", "combine"),
        FatalError::Diff(_) => ("MergeError", "diff"),
        FatalError::Io { .. } => ("IoError", "io"),
        FatalError::Remote { .. } => ("RemoteError", "remote"),
    };
    let message = error.to_string();
    Python::attach(|py| {
        let made = py
            .import("tokencensus.errors")
            .and_then(|errors| errors.getattr(class))
            .and_then(|class| class.call1((message.clone(), kind)));
        match made {
            Ok(exception) => PyErr::from_value(exception),
            Err(e) => e,
        }
    })
}

/// A `ValueError` (an argument that cannot be acted on) as the library words it: a
/// `tokencensus.UsageError`.
pub fn usage(message: impl Into<String>) -> PyErr {
    fatal(FatalError::Usage(message.into()))
}

//! The native half of `import asylon`: the library's [`asylon::Policy`] as a Python
//! class. It only translates between Python objects and the library's types: every
//! rule, evaluation and message comes from the library, so Python decides exactly as
//! the `asylon` command does.
//!
//! The Python package around it (`python/asylon/`) adds the exception classes, the type
//! stubs and the docs.

mod convert;
mod describe;
mod errors;
mod many;
mod policy;
mod pydata;
mod strings;

use pyo3::prelude::*;

/// `asylon._asylon`: declared safe without the GIL (the policy is immutable and
/// `Send + Sync`; nothing here keeps mutable state), so free-threaded Python keeps the
/// GIL off when it imports the package.
#[pymodule(gil_used = false)]
fn _asylon(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<policy::Policy>()?;
    m.add_class::<many::Decisions>()?;
    Ok(())
}

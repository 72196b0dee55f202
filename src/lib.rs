//! asylon
#![warn(missing_docs)]
pub mod source;
pub mod syntax;

//! asylon
#![warn(missing_docs)]
pub mod check;
pub mod checked;
pub mod source;
pub mod syntax;
pub mod value;

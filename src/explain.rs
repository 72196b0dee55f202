//! Explanations (placeholder while being written).

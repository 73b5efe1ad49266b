//! # ikou-testbed

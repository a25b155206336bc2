//! The classroom server (see its issue).

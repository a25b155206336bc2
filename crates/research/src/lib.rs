//! The research tool (see its issue): validates and merges participants' study exports.

//! Writing mail: limits, uploads, drafts, sending.

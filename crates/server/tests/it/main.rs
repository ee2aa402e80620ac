//! Integration tests: the real server on an ephemeral port, driven over real WebSocket
//! and HTTP connections.

mod harness;

mod auth;
mod history;
mod messaging;
mod moderation;
mod rest;
mod restart;
mod sessions;

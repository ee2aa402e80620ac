//! Integration tests: the real server on an ephemeral port, driven over real WebSocket
//! and HTTP connections.

mod harness;
mod receiver;

mod auth;
mod example_receiver;
mod filter;
mod history;
mod live;
mod messaging;
mod moderation;
mod pages;
mod recall;
mod rest;
mod restart;
mod sdk;
mod sessions;
mod stats;
mod webhooks;

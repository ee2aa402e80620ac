//! Integration tests: the real server on an ephemeral port, driven over real WebSocket
//! and HTTP connections.

mod harness;
mod receiver;

mod audience;
mod auth;
mod chat;
mod chat_crash;
mod cluster;
mod cluster_audience;
mod cluster_chat;
mod cluster_failover;
mod cluster_groups;
mod cluster_lease;
mod deploy;
mod example_receiver;
mod filter;
mod groups;
mod hardening;
mod history;
mod live;
mod messaging;
mod moderation;
mod pages;
mod presence;
mod proxies;
mod recall;
mod rest;
mod rest_fuzz;
mod restart;
mod sdk;
mod sessions;
mod social;
mod stats;
mod webhooks;

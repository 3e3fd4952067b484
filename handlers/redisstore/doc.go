// Package redisstore keeps the state that replicas of dutybot must share in
// Redis (github.com/redis/go-redis/v9): the conversation sessions (numbered
// choices, 详情 paging), the dedupe keys of WeChat and WeCom retries, the
// per-user rate limits, and the official account's access_token.
//
// One Client holds the connection and its health; each store is built on
// it (NewSessions, NewDedupe, NewLimiter, NewCache) and implements the
// interface its consumer declares: bot.SessionStore, bot.DedupeStore,
// bot.Limiter and silenceper's cache.Cache.
//
// Answers never wait for Redis. Every call is bounded by a short timeout
// (Options.OpTimeout); the first failure marks Redis down, logs one warning
// for the outage and counts it (Client.Outages), and from then on every
// store answers from in-process state, the same implementations a single
// process uses (counted by Client.Fallbacks), without trying Redis. A
// probe PINGs Redis with a growing backoff; when it answers, the sessions
// written during the outage are copied to it and the stores use Redis
// again. During an outage the replicas do not share state: a numbered
// choice offered by one replica cannot be picked on another, a retry that
// reaches another replica is answered twice (and logged once, thanks to
// the question log's unique message ids), and rate limits count per
// replica.
//
// Keys start with Options.Prefix ("dutybot:"); the user and message part
// of a key is hashed, so OpenIDs are not kept in Redis in the clear.
package redisstore

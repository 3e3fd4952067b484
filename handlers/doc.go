// Package handlers is dutybot's HTTP adapter: gin handlers that decode and
// verify a request from the WeChat official account, the WeCom intelligent
// bot or the local JSON API, ask the bot, and encode its answer.
package handlers

// Package bot is dutybot's domain core: a township's duty-list items, the
// questions people ask about them and the answers the bot gives.
//
// A question's way through the core: the channel adapter (package handlers)
// turns a WeChat, WeCom or HTTP message into a Question and calls
// (*Bot).Answer. The bot first handles conversation commands (a numbered
// pick, 详情, 帮助, 分类, feedback), then asks the township's Ranker (package
// nlp) for ranked items, decides between answering, offering a numbered
// choice or saying honestly that the list has nothing, and renders the reply
// for the channel. The core imports only the standard library.
package bot

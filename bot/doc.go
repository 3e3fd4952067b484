// Package bot is dutybot's domain core: a township's duty-list items, the
// questions people ask about them and the answers the bot gives.
//
// A question's way through the core: the channel adapter (package handlers)
// turns a WeChat, WeCom or HTTP message into a Question and calls
// (*Bot).Answer. The bot first handles conversation commands (a numbered
// pick, 详情, 帮助, 分类, feedback), then asks the township's Ranker (package
// nlp) for ranked items and for the everyday matter no list covers that
// fits best, decides between answering, offering a numbered choice, saying
// honestly that the list has nothing, or saying who usually handles such a
// matter, and renders the reply for the channel. The knowledge bank (how
// people ask about each matter, knowledge.go) is read here and keyed by
// item name; the ranker uses its examples. The core imports only the
// standard library.
package bot

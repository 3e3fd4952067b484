package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/goccy/go-yaml"

	"dutybot/handlers"
)

// readMenuFile reads a menu file: a menu: list, as in the configuration.
func readMenuFile(path string) ([]handlers.MenuButton, error) {
	var f struct {
		Menu []handlers.MenuButton `yaml:"menu"`
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if err := yaml.UnmarshalWithOptions(data, &f, yaml.DisallowUnknownField()); err != nil {
		return nil, fmt.Errorf("%s: %s", path, yaml.FormatError(err, false, false))
	}
	return f.Menu, nil
}

// runMenu is dutybot menu: it creates the official account's custom menu
// from the configuration, or prints the JSON it would send.
func runMenu(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("menu", "[-config FILE] [-print]", stderr)
	path := fs.String("config", "", "configuration file (default $DUTYBOT_CONFIG)")
	print := fs.Bool("print", false, "print the menu's JSON, checked, without sending it")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "dutybot menu: takes no arguments, got %q\n", fs.Args())
		return 2
	}
	cfg, err := LoadConfig(*path, os.LookupEnv)
	if err != nil {
		fmt.Fprintln(stderr, "dutybot menu:", err)
		return 1
	}
	if err := cfg.Validate(); err != nil {
		fmt.Fprintf(stderr, "dutybot menu: invalid configuration:\n%v\n", err)
		return 1
	}
	if len(cfg.Menu) == 0 {
		fmt.Fprintln(stderr, "dutybot menu: menu: no buttons configured (menu: in the configuration file, or DUTYBOT_MENU)")
		return 1
	}
	data, err := handlers.MenuJSON(cfg.Menu)
	if err != nil {
		fmt.Fprintln(stderr, "dutybot menu:", err)
		return 1
	}
	if *print {
		fmt.Fprintln(stdout, string(data))
		return 0
	}
	for _, f := range []struct{ name, v string }{{"wechat.app_id", cfg.WeChat.AppID}, {"wechat.app_secret", cfg.WeChat.AppSecret}} {
		if f.v == "" {
			fmt.Fprintf(stderr, "dutybot menu: %s: required to create the menu (DUTYBOT_WECHAT_APPID, DUTYBOT_WECHAT_APPSECRET)\n", f.name)
			return 1
		}
	}
	// The access token is shared with the servers through Redis, when
	// they share one: a token of its own would not invalidate theirs
	// (stable token), but would be fetched for nothing.
	tokenOnly := cfg
	tokenOnly.Postgres.URL = ""
	shared, closeShared, err := openShared(ctx, tokenOnly, newLogger(stderr, cfg.Log))
	if err != nil {
		fmt.Fprintln(stderr, "dutybot menu:", err)
		return 1
	}
	defer closeShared()
	err = handlers.CreateMenu(handlers.Options{AppID: cfg.WeChat.AppID, AppSecret: cfg.WeChat.AppSecret, WeChatCache: shared.WeChatCache}, cfg.Menu)
	if err != nil {
		fmt.Fprintln(stderr, "dutybot menu:", err)
		return 1
	}
	fmt.Fprintf(stdout, "menu created: %d buttons in the bar\n", len(cfg.Menu))
	return 0
}

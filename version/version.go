// Package version holds the version of the dutybot binary, shown by
// `dutybot version` and in GET /healthz.
//
// scripts/release stamps it at link time:
//
//	go build -ldflags "-X dutybot/version.Version=1.4.0" ./cmd/dutybot
package version

import "runtime/debug"

// Version is set with -ldflags -X; empty in a plain `go build`.
var Version string

// String returns Version when it was stamped, else the module version Go
// recorded (a `go install dutybot/cmd/dutybot@v1.4.0`), else "dev".
func String() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

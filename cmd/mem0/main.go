// Command mem0 is the mem0 CLI. All of it lives in package cli.
package main

import (
	"os"

	"github.com/mem0dev/mem0/cli"
)

// Stamped by the Makefile with -ldflags "-X main.version=… -X main.commit=… -X main.date=…".
var (
	version = "dev"
	commit  = ""
	date    = ""
)

func main() {
	os.Exit(cli.Main(cli.BuildInfo{Version: version, Commit: commit, Date: date}))
}

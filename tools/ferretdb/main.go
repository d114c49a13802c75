// Command ferretdb runs an embedded FerretDB (SQLite backend) for development and tests.
// It exists because `go install .../cmd/ferretdb` panics on a missing version file,
// while the embeddable package does not.
//
// It stops when its stdin closes, so a parent that passes a pipe never leaves it behind,
// even when the parent is killed with SIGKILL.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "address to listen on")
	dataDir := flag.String("data", "./.data/ferretdb", "directory for the SQLite files")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	sync := flag.String("sqlite-synchronous", "full", "SQLite synchronous pragma: normal (WAL: durable across crashes of the process), full (also across power loss) or off (throwaway test data)")
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fail("bad -log-level:", err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	if *sync != "full" && *sync != "normal" && *sync != "off" {
		fail("bad -sqlite-synchronous: want full, normal or off, got", *sync)
	}

	dir, err := filepath.Abs(*dataDir)
	if err != nil {
		fail("bad -data:", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fail("cannot create data dir:", err)
	}

	// FerretDB wants a directory URI ending in "/" and adds its own defaults
	// (busy_timeout, WAL journal) to the pragmas given here.
	query := url.Values{"_pragma": {"synchronous(" + *sync + ")"}}
	sqliteURL := (&url.URL{Scheme: "file", Path: filepath.ToSlash(dir) + "/", RawQuery: query.Encode()}).String()

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Handler:   "sqlite",
		SQLiteURL: sqliteURL,
		Logger:    logger,
	})
	if err != nil {
		fail(err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	// Exit when the parent dies: stdin is a pipe from the parent and closes with it.
	go func() {
		buf := make([]byte, 1)
		for {
			if _, err := os.Stdin.Read(buf); err != nil {
				stop()
				return
			}
		}
	}()

	fmt.Fprintln(os.Stderr, "ferretdb: listening on", *listen)
	if err := f.Run(ctx); err != nil && ctx.Err() == nil {
		fail(err)
	}
}

func fail(args ...any) {
	fmt.Fprintln(os.Stderr, append([]any{"ferretdb:"}, args...)...)
	os.Exit(1)
}

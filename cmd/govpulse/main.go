// Command govpulse is the one binary of govpulse: it reads the configuration, wires the engine,
// the analytics and the web server together, and runs one subcommand. It is the only package
// that sees everything.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// version is set at build time (-ldflags "-X main.version=…").
var version = "dev"

// command is one subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, env *Env, cfg Config) error
	// args names the positional arguments the command takes ("FILE..."); "" means none.
	args string
}

// Env is what a command may touch of the process; tests supply their own.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// Listening, when set, is told the address serve bound (tests start serve on :0).
	Listening func(addr string)
}

var commands map[string]command

func init() {
	commands = map[string]command{
		"serve":       {summary: "Serve the dashboard and API on the configured engine; applies migrations first.", run: runServe},
		"migrate":     {summary: "Apply the schema migrations that are not yet applied, then exit.", run: runMigrate},
		"version":     {summary: "Print the version.", run: runVersion},
		"healthcheck": {summary: "Exit 0 when --url answers 200 (for container health checks).", run: runHealthcheck},
		"import": {summary: "Load NDJSON or CSV files (.gz too) into a stream, with a progress bar and a summary.", run: runImport,
			args: "FILE..."},
		"simulate": {summary: "Simulate dossiers, petitions and posts with planted incidents: to --out as NDJSON and a manifest, or into the engine.", run: runSimulate},
		"token": {summary: "Manage ingest tokens: add --stream S --name N, list, revoke ID.", run: runToken,
			args: "add|list|revoke [ID]"},
		"dead-letters": {summary: "Show the most recent rejected ingest lines and why.", run: runDeadLetters},
		"sentiment":    {summary: "Read texts on stdin, one per line; write one JSON line each: {\"label\",\"score\"}.", run: runSentiment},
		"ask": {summary: "Answer a question about the data in Vietnamese or English (offline parser, or the LLM when configured); --json for the whole answer.", run: runAsk,
			args: "QUESTION"},
		"eval": {summary: "Evaluate the assistant: eval nlq FILE prints offline accuracy by category and language.", run: runEval,
			args: "nlq FILE"},
		"brief": {summary: "Write the briefing (điểm tin) of --date from the analytics, by the LLM or offline templates; store and print it.", run: runBrief,
			args: "[vi|en]"},
		"user": {summary: "Manage dashboard accounts: add NAME --role R, list, disable NAME, passwd NAME.", run: runUser,
			args: "add|list|disable|passwd [NAME]"},
		"rank": {summary: "Write the 766 ranking of units or wards for a period to CSV or XLSX: --period P --level L -o FILE.", run: runRank},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Run(ctx, os.Args[1:], &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv})
	stop()
	os.Exit(code)
}

// Run runs the command named by args[0] and returns the process exit code.
func Run(ctx context.Context, args []string, env *Env) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(env.Stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(env.Stderr, "govpulse: unknown command %q\n\n", args[0])
		usage(env.Stderr)
		return 2
	}
	cfg, err := Load(args[0], args[1:], env.Getenv, env.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "govpulse %s: %v\n", args[0], err)
		return 2
	}
	if err := cmd.run(ctx, env, cfg); err != nil {
		fmt.Fprintf(env.Stderr, "govpulse %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "govpulse %s: analytics and decision support for city leaders\n\nusage: govpulse <command> [flags]\n\ncommands:\n", version)
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-12s %s\n", n, commands[n].summary)
	}
	fmt.Fprintf(w, "\nEvery flag also reads an environment variable GOVPULSE_<FLAG>; see govpulse <command> -h.\n")
}

func runVersion(_ context.Context, env *Env, _ Config) error {
	fmt.Fprintf(env.Stdout, "govpulse %s\n", version)
	return nil
}

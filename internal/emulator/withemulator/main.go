// Command withemulator runs a command next to a Cognito user-pool emulator:
//
//	go run ./internal/emulator/withemulator [-seed FILE] -- CMD ARGS...
//
// It serves the emulator on 127.0.0.1 at a free port, runs CMD with
// COGNITO_EMULATOR_URL=http://127.0.0.1:PORT (no trailing slash) added to its
// environment, stops the emulator and exits with CMD's exit code. With the
// built-in demo pool (no -seed) it also sets COGNITO_EMULATOR_POOL_ID,
// COGNITO_EMULATOR_CLIENT_ID, COGNITO_EMULATOR_USERNAME and
// COGNITO_EMULATOR_PASSWORD.
//
// `make test` uses it to give the GOOS=js tests, which run under Node and
// cannot start a server themselves, an emulator to talk to.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"

	"github.com/cognito-wasm/cognito-wasm/internal/emulator"
)

func main() { os.Exit(run(os.Args[1:], os.Stderr)) }

// Exit codes of withemulator itself, apart from CMD's.
const (
	exitUsage    = 2
	exitNoStart  = 127 // CMD could not be started, as in a shell
	exitSetupErr = 1
)

func run(args []string, stderr io.Writer) int {
	flags := flag.NewFlagSet("withemulator", flag.ContinueOnError)
	flags.SetOutput(stderr)
	seedFile := flags.String("seed", "", "seed `file` (JSON); default: the built-in demo pool")
	flags.Usage = func() {
		fmt.Fprintln(stderr, "usage: withemulator [-seed FILE] -- CMD ARGS...")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return exitUsage
	}
	cmdArgs := flags.Args()
	if len(cmdArgs) == 0 {
		flags.Usage()
		return exitUsage
	}

	var seed *emulator.Seed
	env := []string{}
	if *seedFile != "" {
		var err error
		if seed, err = emulator.LoadSeedFile(*seedFile); err != nil {
			fmt.Fprintln(stderr, "withemulator:", err)
			return exitSetupErr
		}
	} else {
		env = append(env,
			"COGNITO_EMULATOR_POOL_ID="+emulator.DemoPoolID,
			"COGNITO_EMULATOR_CLIENT_ID="+emulator.DemoClientID,
			"COGNITO_EMULATOR_USERNAME="+emulator.DemoUsername,
			"COGNITO_EMULATOR_PASSWORD="+emulator.DemoPassword)
	}
	emu, err := emulator.New(seed)
	if err != nil {
		fmt.Fprintln(stderr, "withemulator:", err)
		return exitSetupErr
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(stderr, "withemulator:", err)
		return exitSetupErr
	}
	srv := emulator.NewHTTPServer(emu)
	srv.RegisterOnShutdown(emu.Close) // release "hang" faults
	go srv.Serve(ln)
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if srv.Shutdown(ctx) != nil {
			srv.Close()
		}
	}()

	cmd := exec.Command(cmdArgs[0], cmdArgs[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), append(env, "COGNITO_EMULATOR_URL=http://"+ln.Addr().String())...)
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(stderr, "withemulator:", err)
		return exitNoStart
	}
	// Pass interrupts on, so CMD decides how to stop and we report its code.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	go func() {
		for s := range sigs {
			cmd.Process.Signal(s)
		}
	}()
	err = cmd.Wait()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal())
		}
		return exit.ExitCode()
	default:
		fmt.Fprintln(stderr, "withemulator:", err)
		return exitSetupErr
	}
}

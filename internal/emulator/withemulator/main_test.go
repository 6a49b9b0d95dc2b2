package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cognito-wasm/cognito-wasm/internal/emulator"
)

// The test binary doubles as CMD: with WITHEMULATOR_CHILD set it signs in
// at $COGNITO_EMULATOR_URL and exits 7 on success.
func TestMain(m *testing.M) {
	if os.Getenv("WITHEMULATOR_CHILD") != "" {
		os.Exit(child())
	}
	os.Exit(m.Run())
}

func child() int {
	url := os.Getenv("COGNITO_EMULATOR_URL")
	if !strings.HasPrefix(url, "http://127.0.0.1:") || strings.HasSuffix(url, "/") {
		fmt.Fprintln(os.Stderr, "bad COGNITO_EMULATOR_URL", url)
		return 1
	}
	body, _ := json.Marshal(map[string]any{
		"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": os.Getenv("COGNITO_EMULATOR_CLIENT_ID"),
		"AuthParameters": map[string]string{"USERNAME": os.Getenv("COGNITO_EMULATOR_USERNAME"), "PASSWORD": os.Getenv("COGNITO_EMULATOR_PASSWORD")},
	})
	req, _ := http.NewRequest(http.MethodPost, url+"/", bytes.NewReader(body))
	req.Header.Set("Content-Type", emulator.ContentType)
	req.Header.Set(emulator.HeaderTarget, emulator.TargetPrefix+"InitiateAuth")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || os.Getenv("COGNITO_EMULATOR_POOL_ID") != emulator.DemoPoolID {
		fmt.Fprintln(os.Stderr, "sign-in:", resp.Status)
		return 1
	}
	return 7
}

func TestRunPassesURLAndExitCode(t *testing.T) {
	t.Setenv("WITHEMULATOR_CHILD", "1")
	var stderr bytes.Buffer
	if code := run([]string{"--", os.Args[0]}, &stderr); code != 7 {
		t.Errorf("exit code = %d, want the child's 7; stderr: %s", code, stderr.String())
	}
}

func TestRunErrors(t *testing.T) {
	var stderr bytes.Buffer
	if code := run(nil, &stderr); code != exitUsage || !strings.Contains(stderr.String(), "usage") {
		t.Errorf("no command: %d %q", code, stderr.String())
	}
	if code := run([]string{"--", filepath.Join(t.TempDir(), "missing")}, &stderr); code != exitNoStart {
		t.Errorf("missing command: %d", code)
	}
	if code := run([]string{"-seed", filepath.Join(t.TempDir(), "none.json"), "--", "true"}, &stderr); code != exitSetupErr {
		t.Errorf("missing seed: %d", code)
	}
	if code := run([]string{"--", "sh", "-c", "exit 3"}, &stderr); code != 3 {
		t.Errorf("exit 3: %d", code)
	}
}

package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/mem0dev/mem0/ai"
)

// NewCmdAIKey builds `mem0 ai key` and its verbs.
func NewCmdAIKey(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "key",
		Short: "Keep a provider's API key in the OS keyring",
		Long: `Keep a provider's API key in the OS keyring (or, where none is reachable or
credentials.store is file, in a file readable only by you). A key is kept
for one endpoint (scheme and host) and only ever sent there: the one of the
provider's settings, or --base-url.`,
	}
	cmd.AddCommand(NewCmdAIKeySet(f, nil), NewCmdAIKeyRm(f, nil))
	return cmd
}

// AIKeyOptions is what `mem0 ai key set|rm` was asked to do.
type AIKeyOptions struct {
	f *Factory

	Provider string
	BaseURL  string
}

func aiKeyArgs(opts *AIKeyOptions) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != 1 {
			return usageErrorf("%s takes a provider: openai, ollama or anthropic", cmd.CommandPath())
		}
		switch args[0] {
		case ai.OpenAI, ai.Ollama, ai.Anthropic:
		default:
			return usageErrorf("%q is not a provider: use openai, ollama or anthropic", args[0])
		}
		if _, err := checkBaseURL(opts.BaseURL); err != nil {
			return usageErrorf("--base-url: %v", err)
		}
		opts.Provider = args[0]
		return nil
	}
}

// aiKeyEndpoint is where the key of opts will be sent: --base-url, else
// the base URL of the role using the provider, else the provider's own.
func aiKeyEndpoint(opts *AIKeyOptions) (string, error) {
	if opts.BaseURL != "" {
		return opts.BaseURL, nil
	}
	cfg, err := opts.f.Config()
	if err != nil {
		return "", err
	}
	for _, role := range []string{"llm", "embedder"} {
		if cfg.Get(role+".provider") == opts.Provider && cfg.Get(role+".base_url") != "" {
			return cfg.Get(role + ".base_url"), nil
		}
	}
	return ai.DefaultBaseURL(opts.Provider), nil
}

// NewCmdAIKeySet builds `mem0 ai key set`.
func NewCmdAIKeySet(f *Factory, runF func(context.Context, *AIKeyOptions) error) *cobra.Command {
	opts := &AIKeyOptions{f: f}
	cmd := &cobra.Command{
		Use:   "set PROVIDER",
		Short: "Save a provider's API key (read from a prompt or stdin)",
		Long: `Save an API key for PROVIDER (openai, ollama or anthropic). The key is read
from a prompt with echo off, or piped on stdin; never from a flag.`,
		Example: `  mem0 ai key set openai
  pass show openai | mem0 ai key set openai
  mem0 ai key set openai --base-url https://models.github.ai/inference`,
		Args: aiKeyArgs(opts),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return aiKeySetRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.BaseURL, "base-url", "", "the endpoint the key is for (default: the provider's, as configured)")
	return cmd
}

func aiKeySetRun(_ context.Context, opts *AIKeyOptions) error {
	f := opts.f
	endpoint, err := aiKeyEndpoint(opts)
	if err != nil {
		return err
	}
	key, err := readKey(f)
	if err != nil {
		return err
	}
	cs, err := f.credentialStore()
	if err != nil {
		return err
	}
	where, keyringErr, err := cs.Save(&Credentials{Server: aiKeyEntry(opts.Provider, endpoint), APIKey: key})
	if err != nil {
		return fmt.Errorf("save the key: %w", err)
	}
	if keyringErr != nil {
		fmt.Fprintf(f.IO.ErrOut, "mem0: the OS keyring cannot be used (%v); the key is in %s, readable only by you\n", keyringErr, cs.file)
	}
	fmt.Fprintf(f.IO.ErrOut, "Saved the %s key for %s (in the %s).\n", opts.Provider, aiHost(endpoint), where)
	return nil
}

// NewCmdAIKeyRm builds `mem0 ai key rm`.
func NewCmdAIKeyRm(f *Factory, runF func(context.Context, *AIKeyOptions) error) *cobra.Command {
	opts := &AIKeyOptions{f: f}
	cmd := &cobra.Command{
		Use:     "rm PROVIDER",
		Aliases: []string{"remove"},
		Short:   "Forget a provider's saved API key",
		Example: `  mem0 ai key rm openai`,
		Args:    aiKeyArgs(opts),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return aiKeyRmRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.BaseURL, "base-url", "", "the endpoint the key is for (default: the provider's, as configured)")
	return cmd
}

func aiKeyRmRun(_ context.Context, opts *AIKeyOptions) error {
	f := opts.f
	endpoint, err := aiKeyEndpoint(opts)
	if err != nil {
		return err
	}
	cs, err := f.credentialStore()
	if err != nil {
		return err
	}
	if err := cs.Delete(aiKeyEntry(opts.Provider, endpoint)); err != nil {
		return err
	}
	fmt.Fprintf(f.IO.ErrOut, "Removed any saved %s key for %s.\n", opts.Provider, aiHost(endpoint))
	return nil
}

package main

import (
	"github.com/urfave/cli/v2"
)

func (e *cliEnv) restore(c *cli.Context) error {
	return errUsage("restore is not available yet")
}

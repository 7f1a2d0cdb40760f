complete --keep-order --exclusive --command rel --arguments "(COMPLETE=fish rel -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"

from saleor_subscriptions.cli.main import main

raise SystemExit(main())

"""`irgroups novelty fit`: fit the in/out-of-domain check for a model on its dataset."""
from __future__ import annotations

import numpy as np


def add_parser(sub) -> None:
    n = sub.add_parser("novelty", help="the check for spectra outside what a model was trained on")
    a = n.add_subparsers(dest="action", required=True)
    f = a.add_parser("fit", help="fit on a dataset's organic train split, threshold on its validation split")
    f.add_argument("dataset", help="the dataset .h5 the model was trained on")
    f.add_argument("--model", help="model folder (default: the bundled model); the files are written into it")
    f.set_defaults(func=cmd_fit)


def cmd_fit(args) -> int:
    from core.cli.common import CLIError, EXIT_OK, load_model
    from core.data.dataset import DatasetError, load_dataset
    from core.nn.novelty import NoveltyError, fit_for_dataset, organic_mask

    bundle = load_model(args.model)
    try:
        ds = load_dataset(args.dataset)
        model = fit_for_dataset(bundle, ds)
    except (DatasetError, NoveltyError) as exc:
        raise CLIError(str(exc)) from None
    model.save(bundle.path)
    test = ds.model_input(bundle.input_config)[organic_mask(ds.identifiers) & (ds.split == 2)]
    inside = model.score(bundle, test)[1] if len(test) else np.zeros(0, bool)
    print(f"fitted on {model.info['n_train']} training spectra, threshold on {model.info['n_val']} validation "
          f"spectra ({model.info['val_flagged']:.1%} of them flagged)")
    if len(test):
        print(f"test split (organic): {inside.mean():.1%} of {len(test)} in domain")
    print(f"wrote novelty.safetensors and novelty.json into {bundle.path}")
    return EXIT_OK

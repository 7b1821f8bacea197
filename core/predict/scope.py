"""What a model covers, said plainly: for the CLI reports, the app's Model view and the README."""
from __future__ import annotations


def model_scope(bundle) -> str:
    """One paragraph: organic molecules, its groups, its wavenumber range, the phases it was
    trained on, and what happens to spectra outside that. Models trained before phases were
    recorded used the dataset builder's default, gas-phase spectra only."""
    phases = bundle.record.get("phases") or ["gas"]
    grid = bundle.grid
    novelty = ("spectra unlike its training data are flagged 'outside what the model was trained on'"
               if getattr(bundle, "novelty", None) is not None else "this model has no novelty check")
    return (f"Covers organic molecules (carbon compounds with C-H, C-C or C-halogen bonds), "
            f"{len(bundle.group_names)} functional groups ({', '.join(bundle.group_names)}), "
            f"mid-infrared spectra over {grid.start:.0f}-{grid.stop:.0f} cm-1, trained on "
            f"spectra of these phases: {', '.join(phases)}. Inorganic molecules (CO2, water, ammonia, SO2, ...), "
            f"other phases and other spectroscopies are outside it: {novelty}.")

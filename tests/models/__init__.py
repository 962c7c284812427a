

def panel_of(y):
    """A panel of the (series x period) count matrix ``y``: series ``s`` 0.., periods 1.. in every series."""
    import numpy as np
    import pandas as pd

    S, T = y.shape
    return pd.DataFrame({"s": np.repeat(np.arange(S), T), "period_index": np.tile(np.arange(1, T + 1), S),
                         "count": np.asarray(y).ravel()})

"""Tool (Sandbox.runTool("mpl_fontcache", {})): builds matplotlib's font list inside a
sandbox, with the sandbox's own view of the fonts, and returns it. The host keeps it in a
directory every later sandbox copies from at warm-up, so a run that draws does not rebuild
it (~150 ms of CPU each time)."""


def run(payload):
    import glob
    import os

    from matplotlib import font_manager

    font_manager.findfont("DejaVu Sans")  # loads, or builds and writes, the cache
    found = sorted(glob.glob(os.path.join(os.environ["MPLCONFIGDIR"], "fontlist-v*.json")))
    if not found:
        return None
    with open(found[-1], encoding="utf-8") as f:
        return {"name": os.path.basename(found[-1]), "text": f.read()}

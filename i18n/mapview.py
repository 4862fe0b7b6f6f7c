"""Strings of the map box shared by every page (loading notice, popups, messages)."""

STRINGS: dict[str, tuple[str, str]] = {
    "map.loading": ("Memuat peta…", "Loading the map…"),
    "map.loading_failed": (
        "Sebagian lapisan peta gagal dimuat; muat ulang halaman.",
        "Some map layers failed to load; reload the page.",
    ),
    "map.source": ("Sumber", "Source"),
    "msg.dismiss": ("Tutup pesan", "Dismiss"),
}

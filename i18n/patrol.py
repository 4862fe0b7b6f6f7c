"""Strings of the patrol page."""

STRINGS: dict[str, tuple[str, str]] = {
    "patrol.title": ("Patroli: rute keliling dan sektor", "Patrol: loops and sector patrols"),
    "patrol.intro": (
        "Patroli keliling: dari pos melalui titik-titik singgah (lokasi kampanye, TPS, CCTV) dan "
        "kembali, dengan urutan terpendek menurut waktu tempuh di jaringan jalan. Patroli sektor: "
        "menyusuri semua jalan satu kelurahan dan kembali ke titik awal.",
        "Loop patrol: from a post through stops (venues, TPS, CCTV sites) and back, in the "
        "shortest order by network travel time. Sector patrol: every road of one kelurahan and "
        "back to the start.",
    ),
    "patrol.mode": ("Jenis patroli", "Patrol type"),
    "patrol.mode.loop": ("Keliling (pos → singgah → pos)", "Loop (post → stops → post)"),
    "patrol.mode.sector": ("Sektor (semua jalan kelurahan)", "Sector (every road of a kelurahan)"),
    "patrol.post": ("Pos awal", "Starting post"),
    "patrol.stops": ("Titik singgah", "Stops"),
    "patrol.stops.kinds": ("Jenis titik", "Kinds of stops"),
    "patrol.stops.none": ("Pilih sedikitnya satu titik singgah.", "Choose at least one stop."),
    "patrol.tps": ("TPS {code} {name}", "TPS {code} {name}"),
    "patrol.kind.tps": ("TPS (berposisi)", "Polling stations (located)"),
    "patrol.tps.none": (
        "Belum ada TPS berposisi untuk dipilih ({n} TPS Pemilu 2024 terhitung): unggah posisi TPS "
        "di Peta Cakupan, tab TPS.",
        "No located polling station to choose yet ({n} counted for Pemilu 2024): upload TPS "
        "positions on the Coverage map, TPS tab.",
    ),
    "patrol.stops.search": ("Cari titik singgah", "Search stops"),
    "patrol.stops.placeholder": ("Pilih titik singgah", "Choose stops"),
    "patrol.stop.left_out": (
        "Tidak dimasukkan ke rute: {note}",
        "Left out of the loop: {note}",
    ),
    "patrol.dwell": ("Waktu di tiap titik (menit)", "Time at each stop (min)"),
    "patrol.profile": ("Profil", "Profile"),
    "patrol.depart": ("Jam berangkat", "Departure time"),
    "patrol.kelurahan": ("Kelurahan", "Kelurahan"),
    "patrol.start": ("Titik awal", "Start"),
    "patrol.start.auto": (
        "Otomatis (Polsek di kelurahan, atau tengah kelurahan)",
        "Automatic (Polsek in the kelurahan, or its centre)",
    ),
    "patrol.duration": ("Durasi", "Duration"),
    "patrol.drive": ("Waktu berkendara", "Driving time"),
    "patrol.length": ("Panjang", "Length"),
    "patrol.required": ("Jalan kelurahan", "Kelurahan roads"),
    "patrol.covered": ("Tersusuri", "Covered"),
    "patrol.deadhead": ("Jalan ulang / penghubung", "Repeated / connecting"),
    "patrol.unreachable": (
        "{m:.0f} m jalan kelurahan ini tidak tersambung ke jaringan utama dan tidak dapat disusuri.",
        "{m:.0f} m of this kelurahan's roads are not connected to the main network and cannot be driven.",
    ),
    "patrol.legs": ("Urutan kunjungan", "Visiting order"),
    "patrol.col.no": ("No", "No"),
    "patrol.col.from": ("Dari", "From"),
    "patrol.col.to": ("Ke", "To"),
    "patrol.col.length": ("Panjang (km)", "Length (km)"),
    "patrol.col.travel": ("Tempuh (menit)", "Travel (min)"),
    "patrol.col.eta": ("Tiba", "Arrives"),
    "patrol.layer": ("Rute patroli", "Patrol route"),
    "patrol.save.name": ("Nama rencana patroli", "Patrol plan name"),
    "patrol.save.button": ("Simpan ke operasi", "Save to the operation"),
    "patrol.save.done": ("Rencana patroli '{name}' tersimpan.", "Patrol plan '{name}' saved."),
    "patrol.saved": ("Rencana patroli tersimpan", "Saved patrol plans"),
    "patrol.saved.none": ("Belum ada rencana patroli tersimpan.", "No patrol plan saved yet."),
    "patrol.saved.delete": ("Hapus", "Delete"),
    "patrol.export.gpx": ("Unduh GPX", "Download GPX"),
    "patrol.export.kml": ("Unduh KML", "Download KML"),
    "patrol.export.geojson": ("Unduh GeoJSON", "Download GeoJSON"),
    "patrol.minutes": ("{v:.0f} menit", "{v:.0f} min"),
    "patrol.km": ("{v:.1f} km", "{v:.1f} km"),
}

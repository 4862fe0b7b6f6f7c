"""Strings of the area map page."""

STRINGS: dict[str, tuple[str, str]] = {
    "map.title": ("Peta Wilayah Kota Metro", "Kota Metro area map"),
    "map.intro": (
        "Batas kota, kecamatan dan kelurahan, jaringan jalan dan lokasi penting. Klik peta untuk "
        "mengetahui titik jalan terdekat, jaraknya, dan kelurahannya.",
        "City, kecamatan and kelurahan boundaries, the road network and key places. Click the map "
        "for the nearest road point, its distance and the kelurahan.",
    ),
    "map.click.none": (
        "Klik peta untuk memeriksa sebuah titik.",
        "Click the map to inspect a point.",
    ),
    "map.click.result": (
        "Jalan terdekat berjarak **{distance:.0f} m** dari titik yang diklik, di Kelurahan **{kelurahan}**. "
        "Titik jalan: {lat:.5f}, {lon:.5f}.",
        "The nearest road is **{distance:.0f} m** from the clicked point, in Kelurahan **{kelurahan}**. "
        "Road point: {lat:.5f}, {lon:.5f}.",
    ),
    "map.click.outside": ("di luar wilayah", "outside the area"),
    "map.click.street": ("Nama jalan: **{street}**", "Road name: **{street}**"),
    "map.road_name.label": (
        "Beri nama jalan ini (disimpan untuk jaringan jalan ini)",
        "Name this road (saved for this road network)",
    ),
    "map.road_name.save": ("Simpan nama jalan", "Save road name"),
    "map.road_name.saved": ("Nama jalan tersimpan: {name}", "Road name saved: {name}"),
    "map.network": ("Wilayah: {area} · jaringan jalan: {network}", "Area: {area} · road network: {network}"),
    "map.click.layer": ("Titik diklik", "Clicked point"),
    "map.figures": ("Jaringan jalan", "Road network"),
    "map.nodes": ("Simpul", "Nodes"),
    "map.road_km": ("Panjang jalan", "Road length"),
    "map.components": ("Komponen terhubung", "Connected components"),
    "map.largest": ("Komponen terbesar", "Largest component"),
    "map.components.note": (
        "Bagian jaringan yang tidak tersambung ke komponen terbesar (tidak dibuang; rute ke sana "
        "tidak mungkin). Ujung garis RBI dalam {tol:.0f} m dari jalan lain telah disambungkan ({n} ujung).",
        "Parts of the network not joined to the largest component (kept; no route reaches them). "
        "RBI line ends within {tol:.0f} m of another road were joined ({n} {n|end|ends}).",
    ),
    "map.places": ("Lokasi", "Places"),
    "map.places.search": ("Cari nama lokasi", "Search a place name"),
    "map.places.show": ("Tampilkan di peta", "Show on the map"),
    "map.places.none": ("Tidak ada lokasi bernama '{query}'.", "No place named '{query}'."),
    "map.col.name": ("Nama", "Name"),
    "map.col.category": ("Kategori", "Category"),
    "map.col.kelurahan": ("Kelurahan", "Kelurahan"),
    "map.col.source": ("Sumber", "Source"),
    "map.col.position": ("Posisi", "Position"),
    "map.col.nodes": ("Simpul", "Nodes"),
}

import type { MetadataRoute } from "next";

/** The web app manifest (/manifest.webmanifest): name, colours and the icons from scripts/make-icons.mjs. */
export default function manifest(): MetadataRoute.Manifest {
  return {
    name: "Cellgate",
    short_name: "Cellgate",
    description: "Governance console for AI agent workloads",
    start_url: "/",
    display: "standalone",
    background_color: "#f8fafc",
    theme_color: "#0f172a",
    icons: [
      { src: "/icon.svg", sizes: "any", type: "image/svg+xml" },
      { src: "/icons/icon-192.png", sizes: "192x192", type: "image/png" },
      { src: "/icons/icon-512.png", sizes: "512x512", type: "image/png" },
    ],
  };
}

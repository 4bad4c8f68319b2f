// The workspace's teams and who is in them.
export { TeamOverview } from "@/features/workspace/components/TeamOverview";
